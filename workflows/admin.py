from django import forms
from django.contrib import admin

from .deadlines import node_choices
from .models import TaskDeadline


class TaskDeadlineForm(forms.ModelForm):
    node = forms.ChoiceField(label=TaskDeadline._meta.get_field("node").verbose_name, choices=node_choices)

    class Meta:
        model = TaskDeadline
        fields = ["node", "minutes", "escalate_after_minutes"]


@admin.register(TaskDeadline)
class TaskDeadlineAdmin(admin.ModelAdmin):
    """The flows' step deadlines (defaults in workflows/deadlines.py; a row here overrides one)."""

    form = TaskDeadlineForm
    list_display = ["node", "minutes", "escalate_after_minutes"]
