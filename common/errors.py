"""Error types every app's services raise."""

from django.core.exceptions import ValidationError


class AlreadyDone(ValidationError):
    """The action already happened or no longer applies (a double click, a second tab): say so, change nothing."""
