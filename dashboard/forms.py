"""The dashboard's filters, read from the query string (a GET form: a filtered view is a link to share)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.access import ISSUING_KINDS
from coordination.models import Urgency
from editorial.models import PlanTopic
from org import selectors as org_selectors
from org.models import Structure, Unit, UnitKind

from . import selectors
from .selectors import Filters, Period

PERIOD_CHOICES = [("month", _("Tháng")), ("quarter", _("Quý")), ("half", _("6 tháng")), ("year", _("Năm"))]
STRUCTURE_CHOICES = [(Structure.Y2025, _("Cơ cấu 2025 (quận/huyện, xã/phường)")),
                     (Structure.CURRENT, _("Cơ cấu hiện hành (126 xã/phường)"))]
MEASURE_CHOICES = list(selectors.MEASURES.items())


class DashboardFilterForm(forms.Form):
    structure = forms.ChoiceField(label=_("Cơ cấu"), choices=STRUCTURE_CHOICES, required=False)
    period = forms.ChoiceField(label=_("Kỳ"), choices=PERIOD_CHOICES, required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(label=_("Tháng / quý / nửa năm số"), min_value=1, max_value=12, required=False)
    urgency = forms.ModelChoiceField(label=_("Độ khẩn"), queryset=Urgency.objects.order_by("rank"), required=False,
                                     empty_label=_("Mọi độ khẩn"))
    issuer = forms.ModelChoiceField(label=_("Đơn vị ban hành"), required=False, empty_label=_("Mọi đơn vị"),
                                    queryset=Unit.objects.filter(kind__in=ISSUING_KINDS, structure=Structure.CITY)
                                    .order_by("path"))
    topic = forms.ModelChoiceField(label=_("Chủ đề kế hoạch"), queryset=PlanTopic.objects.none(), required=False,
                                   empty_label=_("Mọi chủ đề"))
    district = forms.ModelChoiceField(label=_("Quận/huyện"), required=False, empty_label=_("Mọi quận/huyện"),
                                      queryset=Unit.objects.filter(kind=UnitKind.DISTRICT, structure=Structure.Y2025)
                                      .order_by("path"))
    measure = forms.ChoiceField(label=_("Tô màu theo"), choices=MEASURE_CHOICES, required=False)

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.today = today
        year = self._year()
        self.fields["topic"].queryset = PlanTopic.objects.filter(year=year).order_by("number")
        self.fields["topic"].label_from_instance = lambda t: f"{t.number}. {t.title}"

    def _year(self) -> int:
        try:
            return int(self.data.get("year") or self.today.year)
        except (TypeError, ValueError):
            return self.today.year

    def filters(self) -> Filters:
        """The filters asked for; a wrong value falls back to its default (the current year, the structure in
        force), so a hand-edited link still shows a page."""
        data = self.cleaned_data if self.is_valid() else {}
        structure = data.get("structure") or org_selectors.structure_in_force()
        kind = data.get("period") or "year"
        year = data.get("year") or self.today.year
        limit = {"month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
        default = Period.containing(kind, self.today).number if year == self.today.year else 1
        number = data.get("number") or default
        period = Period(kind, year, number if 1 <= number <= limit else default)
        district = data.get("district") if structure == Structure.Y2025 else None
        return Filters(period=period, structure=structure, urgency=data.get("urgency"), issuer=data.get("issuer"),
                       topic=data.get("topic"), district=district)

    def chosen_measure(self) -> str:
        value = self.cleaned_data.get("measure") if self.is_valid() else None
        return value or "late_share"
