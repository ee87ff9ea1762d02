"""Database ids from untrusted input (URL paths, query strings, form fields, JSON bodies, websocket messages):
one range check, so that a huge, negative or non-numeric id is "not found" instead of a server error
(SQLite raises OverflowError above 2**63 - 1, PostgreSQL a DataError)."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest signed 64-bit integer: a bigint or SQLite INTEGER primary key


def parse_id(value: object, *, minimum: int = 1) -> int | None:
    """The id that value spells, or None: an int (not a bool) or a string of ASCII digits, in minimum..MAX_ID
    (minimum=0 where 0 means "before the first"). Floats (JSON's 1e400 is infinity) and anything else are
    refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
            return None
        number = int(text)
    else:
        return None
    return number if minimum <= number <= MAX_ID else None


def parse_ids(values: object, *, limit: int | None = None) -> list[int]:
    """The valid ids among values (a list or tuple; anything else gives none), in order, without duplicates,
    at most limit of them."""
    if not isinstance(values, list | tuple):
        return []
    ids = list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))
    return ids[:limit] if limit is not None else ids


class IdConverter:
    """`<id:pk>` in a URL pattern: like `<int:pk>` but a number outside 1..MAX_ID does not match (404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver tries the next pattern, then answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))



class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id outside 1..MAX_ID with its usual "not a valid value" form
    error before the database sees it (an `IN (…)` with 2**64 is a server error on SQLite and PostgreSQL)."""

    default_error_messages = {
        "invalid_pk_value": _("“%(pk)s” không phải là một lựa chọn hợp lệ."),
    }

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)


# Importing this module registers `<id:…>` (URL modules import it before their patterns).
register_converter(IdConverter, "id")
