from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailMode, Kind


class EmailPreferencesForm(forms.Form):
    """One (mode, minutes) pair per kind of notification, built from Kind so a new kind appears by itself."""

    def __init__(self, *args, initial_prefs: dict[str, tuple[str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, label in Kind.choices:
            mode, minutes = initial_prefs[kind]
            self.fields[f"mode_{kind}"] = forms.ChoiceField(
                label=label, choices=EmailMode.choices, initial=mode,
            )
            self.fields[f"minutes_{kind}"] = forms.IntegerField(
                label=_("Số phút"), min_value=1, max_value=7 * 24 * 60, initial=minutes,
            )
            self.rows.append((label, self[f"mode_{kind}"], self[f"minutes_{kind}"]))

    def choices(self) -> dict[str, tuple[str, int]]:
        return {
            kind: (self.cleaned_data[f"mode_{kind}"], self.cleaned_data[f"minutes_{kind}"]) for kind in Kind.values
        }
