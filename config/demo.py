"""Demo data: the Department's units, the plan topics and one account per role and per local unit.
Lives in config because it seeds every app; each write goes through that app's services."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from coordination.services import reference_data_ensure
from editorial.services import editorial_reference_ensure, plan_topics_load
from org.loaders import CITY_CODE, LOADERS
from org.models import Role, Structure, Unit, UnitKind, User
from org.services import PersonSpec, UnitSpec, people_ensure, structure_in_force_set, units_sync
from outreach.services import demo_propagandists_ensure
from reporting.services import reporting_reference_ensure

DEPARTMENT_UNITS = [
    # code, name, kind, parent code (None: under the city)
    ("SVHTT", "Sở Văn hóa và Thể thao Hà Nội", UnitKind.DEPARTMENT, None),
    ("SVHTT-TTBCXB", "Phòng Thông tin - Báo chí - Xuất bản", UnitKind.DIVISION, "SVHTT"),
    ("SVHTT-TTS", "Phòng Truyền thông số", UnitKind.DIVISION, "SVHTT"),
    ("SVHTT-VP", "Văn phòng Sở", UnitKind.DIVISION, "SVHTT"),
    ("SVHTT-TTTL", "Trung tâm Thông tin triển lãm", UnitKind.DIVISION, "SVHTT"),
    ("SVHTT-BBT", "Ban biên tập", UnitKind.BOARD, "SVHTT"),
    ("SVHTT-LD", "Lãnh đạo Sở", UnitKind.LEADERSHIP, "SVHTT"),
    ("SKHCN", "Sở Khoa học và Công nghệ Hà Nội", UnitKind.DEPARTMENT, None),
]

DEMO_PEOPLE = [
    # username, full name, unit code, role, is_leader, job title
    ("giamdoc", "Nguyễn Văn Minh", "SVHTT-LD", Role.DIRECTOR, True, "Giám đốc Sở"),
    ("phogiamdoc", "Trần Thị Hạnh", "SVHTT-LD", Role.DEPUTY_DIRECTOR, True, "Phó Giám đốc Sở"),
    ("truongban", "Lê Quang Huy", "SVHTT-BBT", Role.BOARD_SECRETARY, True, "Thư ký Ban biên tập"),
    ("bientap1", "Phạm Thu Trang", "SVHTT-BBT", Role.BOARD_MEMBER, False, "Thành viên Ban biên tập"),
    ("bientap2", "Đỗ Đức Anh", "SVHTT-BBT", Role.BOARD_MEMBER, False, "Thành viên Ban biên tập"),
    ("bientap3", "Vũ Thị Lan", "SVHTT-BBT", Role.BOARD_MEMBER, False, "Thành viên Ban biên tập"),
    ("phongtt", "Hoàng Văn Nam", "SVHTT-TTBCXB", Role.DRAFTER, False, "Chuyên viên"),
    ("truyenthong", "Ngô Thị Mai", "SVHTT-TTS", Role.DRAFTER, False, "Chuyên viên"),
    ("vanphong", "Bùi Văn Tuấn", "SVHTT-VP", Role.OFFICE, False, "Chuyên viên Văn phòng"),
    ("quanly", "Đặng Thị Hương", "SVHTT-TTBCXB", Role.MANAGER, True, "Trưởng phòng"),
    ("admin", "Quản trị hệ thống", "SKHCN", Role.ADMIN, False, "Quản trị viên"),
]


@dataclass
class DemoResult:
    units: int
    communes: int
    districts: int
    topics_created: int
    accounts_created: int


def department_specs() -> list[UnitSpec]:
    return [
        UnitSpec(code=code, name=name, kind=kind, structure=Structure.CITY, parent_code=parent or CITY_CODE)
        for code, name, kind, parent in DEPARTMENT_UNITS
    ]


def officer_usernames(units: list[Unit]) -> dict[int, str]:
    """A local officer's username is the unit's codename; where two units share one, append `_` and the
    parent district's short codename."""
    counts = Counter(u.codename for u in units)
    names = {}
    for unit in units:
        name = unit.codename
        if counts[name] > 1 and unit.parent and unit.parent.kind == UnitKind.DISTRICT:
            name = f"{name}_{unit.parent.short_name or unit.parent.codename}"
        names[unit.pk] = name
    return names


def officer_specs(structure: str) -> list[PersonSpec]:
    units = list(
        Unit.objects.filter(structure=structure, kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE])
        .select_related("parent").order_by("path")
    )
    usernames = officer_usernames(units)
    specs = []
    for unit in units:
        role = Role.DISTRICT_OFFICER if unit.kind == UnitKind.DISTRICT else Role.COMMUNE_OFFICER
        specs.append(PersonSpec(username=usernames[unit.pk], full_name=f"Cán bộ {unit.name}", unit=unit, role=role,
                                job_title=str(role.label)))
    return specs


@transaction.atomic
def seed_demo(structure: str = Structure.CURRENT) -> DemoResult:
    """Idempotent. Loads one structure (the current one by default, the plan's 2025 one on request) and puts it in
    force. The management command refuses it when DEBUG is off (shared demo password)."""
    units_sync(LOADERS[structure]())
    units_sync(department_specs())
    topics_created = plan_topics_load()
    reference_data_ensure()
    editorial_reference_ensure()
    reporting_reference_ensure()
    by_code = {u.code: u for u in Unit.objects.filter(structure=Structure.CITY)}
    people = [
        PersonSpec(username=u, full_name=n, unit=by_code[c], role=r, is_leader=lead, job_title=t)
        for u, n, c, r, lead, t in DEMO_PEOPLE
    ]
    created = people_ensure(people + officer_specs(structure), password=settings.DEMO_PASSWORD)
    User.objects.filter(username="admin").update(is_superuser=True, is_staff=True)
    structure_in_force_set(structure=structure)
    local = Unit.objects.filter(structure=structure)
    demo_propagandists_ensure(local.filter(kind=UnitKind.COMMUNE))
    return DemoResult(
        units=Unit.objects.count(),
        districts=local.filter(kind=UnitKind.DISTRICT).count(),
        communes=local.filter(kind=UnitKind.COMMUNE).count(),
        topics_created=topics_created,
        accounts_created=created,
    )
