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


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multi-select that the browser turns into a searchable picker (Tom Select, vendored in static/vendor,
    started by static/ttcs/picker.js); without JavaScript it stays a plain multi-select. `group_of(obj)` names
    each option's group (an optgroup), e.g. a commune's district."""

    def __init__(self, *args, group_of=None, placeholder: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.group_of, self.placeholder = group_of, placeholder

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-picker": "search"}
        if self.placeholder:
            attrs["data-placeholder"] = str(self.placeholder)
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        if self.group_of is None:
            return super().optgroups(name, value, attrs)
        groups: dict[str, list] = {}
        chosen = {str(v) for v in value}
        index = 0
        for option_value, label in self.choices:
            instance = getattr(option_value, "instance", None)
            group = str(self.group_of(instance)) if instance is not None else ""
            subgroup = groups.setdefault(group, [])
            subgroup.append(self.create_option(name, option_value, label, str(option_value) in chosen, index,
                                               attrs=attrs))
            index += 1
        return [(group or None, options, i) for i, (group, options) in enumerate(groups.items())]
