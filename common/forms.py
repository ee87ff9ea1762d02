"""Form helpers every app's pages share: a service's ValidationError shown on the form, several files in one input."""

from django import forms
from django.core.exceptions import ValidationError


def add_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the field exists, else on the form."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, errors in items:
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each (type, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
