"""The structure in force is data: one row says which administrative structure target sets, pickers and periods
resolve against. The bulletin and directive forms are walked as the drafter sees them, on both structures."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coordination.models import Assignment, Directive, Urgency
from editorial.models import Bulletin
from org import selectors
from org.models import Structure, StructureInForce, Unit, UnitKind
from org.services import structure_in_force_set
from org.targets import target_spec_clean, targets_resolve
from reporting.services import period_directive_fields
from tests.editorial.helpers import draft
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import approve, issue

FORMS = ["editorial:bulletin_create", "directive:create"]


class TargetChoices(HTMLParser):
    """The offered target sets (check boxes) and the options of the unit pickers of a form page."""

    def __init__(self):
        super().__init__()
        self.sets: list[str] = []
        self.pickers: dict[str, list[int]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "target_sets":
            self.sets.append(attrs["value"])
        elif tag == "select":
            self._select = attrs.get("name")
            self.pickers.setdefault(self._select, [])
        elif tag == "option" and self._select and attrs.get("value"):
            self.pickers[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def offered(client, user, url_name) -> tuple[TargetChoices, str]:
    client.force_login(user("phongtt"))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    parser = TargetChoices()
    parser.feed(html)
    return parser, html


def test_the_test_database_keeps_2025_in_force(demo):
    assert selectors.structure_in_force() == Structure.Y2025
    assert StructureInForce.objects.get().structure == Structure.Y2025


@pytest.mark.parametrize("url_name", FORMS)
def test_current_structure_forms_offer_only_its_units_and_no_district(current_structure, client, user, url_name):
    choices, html = offered(client, user, url_name)
    assert choices.sets == ["all_communes", "department_divisions"]
    assert "district_communes" not in choices.pickers
    offered_units = Unit.objects.filter(pk__in=choices.pickers["target_units"])
    assert offered_units.count() == 126 + 4  # the current units and the Department's divisions
    assert not offered_units.filter(kind=UnitKind.DISTRICT).exists()
    assert not offered_units.filter(structure=Structure.Y2025).exists()
    assert set(offered_units.values_list("structure", flat=True)) == {Structure.CURRENT, Structure.CITY}
    lowered = html.lower()
    assert "quận/huyện" not in lowered and "quận" not in lowered and "huyện" not in lowered
    spec = target_spec_clean({"sets": choices.sets[:1]})
    assert spec["structure"] == Structure.CURRENT
    resolved = targets_resolve(spec)
    assert len(resolved) == 126
    assert {u.structure for u in resolved} == {Structure.CURRENT}


@pytest.mark.parametrize("url_name", FORMS)
def test_2025_structure_forms_keep_districts(demo, client, user, url_name):
    choices, html = offered(client, user, url_name)
    assert choices.sets == ["all_districts", "all_communes", "department_divisions"]
    districts = Unit.objects.filter(pk__in=choices.pickers["district_communes"])
    assert districts.count() == 30 and set(districts.values_list("kind", flat=True)) == {UnitKind.DISTRICT}
    units = Unit.objects.filter(pk__in=choices.pickers["target_units"])
    assert units.count() == 30 + 526 + 4
    assert not units.filter(structure=Structure.CURRENT).exists()
    assert "quận/huyện" in html
    assert len(targets_resolve(target_spec_clean({"sets": ["all_communes"]}))) == 526


def test_changing_the_structure_in_force_changes_the_pickers_without_a_restart(current_structure, client, user):
    assert offered(client, user, "directive:create")[0].sets == ["all_communes", "department_divisions"]
    structure_in_force_set(structure=Structure.Y2025)
    choices = offered(client, user, "directive:create")[0]
    assert choices.sets == ["all_districts", "all_communes", "department_divisions"]
    assert len(choices.pickers["district_communes"]) == 30
    structure_in_force_set(structure=Structure.CURRENT)
    assert "district_communes" not in offered(client, user, "editorial:bulletin_create")[0].pickers


def test_a_spec_naming_a_structure_keeps_it(current_structure):
    assert len(targets_resolve(target_spec_clean({"sets": ["all_communes"], "structure": "2025"}))) == 526
    assert len(targets_resolve({"sets": ["all_communes"]})) == 126


def test_directive_to_all_communes_on_the_current_structure_reaches_126_units(
        current_structure, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [], sets=["all_communes"])
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    assignments = Assignment.objects.filter(directive=directive)
    assert assignments.count() == 126
    assert set(assignments.values_list("unit__structure", flat=True)) == {Structure.CURRENT}
    assert not assignments.filter(parent__isnull=False).exists()  # no relay: the city reaches communes directly


def test_directive_form_posts_the_structure_in_force(current_structure, client, user):
    client.force_login(user("phongtt"))
    client.post(reverse("directive:create"), {
        "title": "Tuyên truyền bầu cử", "instructions": "<p>Phát 3 lần/ngày</p>",
        "issuing_unit": Unit.objects.get(code="SVHTT-TTBCXB").pk, "urgency": Urgency.objects.get(code="khan").pk,
        "target_sets": ["all_communes"], "report_requirements": ["text"],
    })
    directive = Directive.objects.get(title="Tuyên truyền bầu cử")
    assert directive.target_spec["structure"] == Structure.CURRENT
    assert len(targets_resolve(directive.target_spec)) == 126


def test_bulletin_to_all_communes_on_the_current_structure_reaches_126_units(
        current_structure, django_capture_on_commit_callbacks):
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks, target_spec={"sets": ["all_communes"]})
    bulletin = Bulletin.objects.get(pk=bulletin.pk)
    assert bulletin.target_spec["structure"] == Structure.CURRENT
    assert bulletin.target_units.count() == 126
    assert directive.assignments.count() == 126
    assert set(directive.assignments.values_list("unit__structure", flat=True)) == {Structure.CURRENT}


def test_bulletin_form_draft_on_current_structure(current_structure, client, user):
    bulletin = draft(target_spec={"sets": ["all_communes"]})
    client.force_login(user("phongtt"))
    html = client.get(reverse("editorial:bulletin_edit", args=[bulletin.pk])).content.decode()
    parser = TargetChoices()
    parser.feed(html)
    assert parser.sets == ["all_communes", "department_divisions"] and "district_communes" not in parser.pickers


def test_period_on_the_current_structure_has_no_district_and_no_relay(current_structure):
    from reporting.models import ReportingPeriod

    period = ReportingPeriod(kind="annual", year=2026, structure=Structure.CURRENT, cutoff_date=date(2026, 11, 30),
                             due_date=date(2026, 12, 6))
    fields = period_directive_fields(period)
    assert fields["target_spec"]["sets"] == ["all_communes"] and fields["relay_through_districts"] is False
    assert "quận" not in fields["instructions"].lower()
    assert len(targets_resolve(fields["target_spec"])) == 126


def test_period_on_2025_relays_through_districts(demo):
    from reporting.models import ReportingPeriod

    period = ReportingPeriod(kind="annual", year=2026, structure=Structure.Y2025, cutoff_date=date(2026, 11, 30),
                             due_date=date(2026, 12, 6))
    fields = period_directive_fields(period)
    assert fields["relay_through_districts"] is True
    assert len(targets_resolve(fields["target_spec"])) == 526 + 30


def test_a_structure_without_communes_cannot_be_put_in_force(demo):
    Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).update(is_active=False)
    with pytest.raises(ValidationError):
        structure_in_force_set(structure=Structure.Y2025)
    with pytest.raises(ValidationError):
        structure_in_force_set(structure="city")


def test_the_structure_in_force_is_read_once_per_process_window(demo, django_assert_num_queries):
    selectors.structure_in_force()
    with django_assert_num_queries(0):
        for _ in range(10):
            selectors.structure_in_force()


def test_admin_changes_the_structure_in_force(current_structure, client, user):
    client.force_login(user("admin"))
    url = reverse("admin:org_structureinforce_change", args=[1])
    assert client.get(url).status_code == 200
    response = client.post(url, {"structure": "2025", "in_force_since": "01/01/2025"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert selectors.structure_in_force() == Structure.Y2025
    assert client.get(reverse("admin:org_structureinforce_add")).status_code == 403


@pytest.mark.parametrize("url_name", FORMS)
def test_the_unit_picker_is_searchable_and_grouped_by_district_on_2025(demo, client, user, url_name):
    _choices, html = offered(client, user, url_name)
    picker = html.split('name="target_units"')[0].rsplit("<select", 1)[1] + html.split('name="target_units"')[1]
    assert 'data-picker="search"' in picker
    ba_dinh = picker.split('<optgroup label="Quận Ba Đình">')[1].split("</optgroup>")[0]
    assert "Phường Phúc Xá" in ba_dinh and "Phường Cầu Dền" not in ba_dinh
    assert '<optgroup label="Các phòng, đơn vị thuộc Sở">' in picker
    assert "vendor/tom-select/tom-select.complete.min.js" in html and "ttcs/picker.js" in html


def test_the_unit_picker_on_the_current_structure_has_no_district_group(current_structure, client, user):
    _choices, html = offered(client, user, "directive:create")
    assert '<optgroup label="Xã, phường">' in html and "Quận" not in html
