"""Periodic reports driven from code, as the pages do, and a small organisation for them: one district with
three communes (loaded as the "current" structure, which the session's 2025 seed leaves empty)."""

from django.conf import settings
from django.utils import timezone

from coordination.models import Assignment, ReportingPeriod, UnitReport
from org.models import Role, Structure, Unit, UnitKind
from org.services import PersonSpec, UnitSpec, people_ensure, units_sync
from tests.workflows.directive.helpers import open_task
from workflows import engine
from workflows.directive import steps as directive_steps
from workflows.directive.flow import UnitAssignmentFlow
from workflows.reporting import services as reporting_flow
from workflows.reporting import steps as reporting_steps

DISTRICT = "huyen_thu_nghiem"
COMMUNES = ["xa_thu_nhat", "xa_thu_hai", "xa_thu_ba"]


def small_org() -> dict[str, Unit]:
    specs = [UnitSpec(code="T100", name="Huyện Thử Nghiệm", kind=UnitKind.DISTRICT, structure=Structure.CURRENT,
                      parent_code="01", parent_structure=Structure.CITY, codename=DISTRICT)]
    names = ["Xã Thứ Nhất", "Xã Thứ Hai", "Xã Thứ Ba"]
    specs += [UnitSpec(code=f"T10{i}", name=name, kind=UnitKind.COMMUNE, structure=Structure.CURRENT,
                       parent_code="T100", codename=codename)
              for i, (codename, name) in enumerate(zip(COMMUNES, names, strict=True), start=1)]
    units_sync(specs)
    units = {u.codename: u for u in Unit.objects.filter(structure=Structure.CURRENT, code__startswith="T10")}
    people_ensure([PersonSpec(username=codename, full_name=f"Cán bộ {u.name}", unit=u,
                              role=Role.DISTRICT_OFFICER if u.kind == UnitKind.DISTRICT else Role.COMMUNE_OFFICER)
                   for codename, u in units.items()], password=settings.DEMO_PASSWORD)
    return units


def open_period(user, capture, *, kind="half_year", year=None, structure=Structure.CURRENT) -> ReportingPeriod:
    """Next year's period by default, so that reports sent now are on time."""
    year = year or timezone.localdate().year + 1
    with capture(execute=True):
        period = reporting_flow.period_open(user=user, kind=kind, year=year, structure=structure)
    period.refresh_from_db()
    return period


def assignment(period: ReportingPeriod, codename: str) -> Assignment:
    return Assignment.objects.get(directive=period.directive, unit__codename=codename,
                                  unit__structure=period.structure)


def acknowledge(a: Assignment, officer) -> None:
    engine.task_run(open_task(a, UnitAssignmentFlow.acknowledge), officer, directive_steps.acknowledge_step)


def submit(a: Assignment, officer, values=None, notes="") -> UnitReport:
    return engine.task_run(open_task(a, UnitAssignmentFlow.report), officer, reporting_steps.report_submit_step,
                             values=values, notes=notes)


def review(a: Assignment, reviewer, *, accept=True, comment="") -> UnitReport:
    return engine.task_run(open_task(a, UnitAssignmentFlow.review), reviewer, reporting_steps.report_review_step,
                             accept=accept, comment=comment)


def figures(n: int) -> dict:
    """A complete, valid set of values that differs with n."""
    return {
        "station_exists": True, "station_technology": "ip" if n % 2 else "wired", "clusters_total": 10 + n,
        "clusters_wired": 2, "clusters_fm": 3, "clusters_ip": 4 + n, "clusters_broken": 1, "hamlets_total": 8 + n,
        "hamlets_covered": 7 + n, "airtime_own_hours": f"{12 + n},5", "airtime_relay_hours": "100",
        "airtime_source_hours": "3.25", "sessions_aired": 300 + n, "programmes_produced": n, "items_aired": 50 * n,
        "items_from_department": 10 * n, "emergency_bulletins": 0, "staff_civil_servants": 1, "staff_part_time": 2,
        "staff_trained": 1, "boards_public": 5, "boards_electronic": 1, "boards_electronic_connected": 1,
        "web_page": n != 2, "web_posts": 20, "zalo_pages": 1, "zalo_followers": 1000 * n, "propagandists_total": 30,
        "propagandists_hamlet_heads": 8, "propagandists_mass_orgs": 12, "outreach_sessions": 6,
        "outreach_listeners": 400, "bulletins_issued": 2, "materials_titles": 3, "materials_copies": 600,
        "feedback_received": 9, "feedback_answered": 9, "sms_sent": 1200,
    }


def run_commune(period, codename, officer, reviewer, values) -> Assignment:
    a = assignment(period, codename)
    acknowledge(a, officer)
    submit(a, officer, values)
    review(a, reviewer)
    return a
