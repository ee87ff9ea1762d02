"""The seeded people, named by what they do (config/demo.py seeds them; README "Demo accounts"). Tests say
`person(DRAFTER)` rather than a bare username, so a reader sees the role; Healthchecks' alice, bob and charlie.

Department: DRAFTER and SECOND_DRAFTER write bulletins and directives (two divisions); BOARD_SECRETARY assigns
reviews; BOARD_MEMBERS review; DIRECTOR and DEPUTY sign off and approve; OFFICE publishes; MANAGER follows every
unit's work; ADMIN administers. Units: DISTRICT and its URBAN_COMMUNE (Ba Đình, Phúc Xá), RURAL_DISTRICT and its
RURAL_COMMUNE (Sóc Sơn, Minh Phú), one officer each, named after the unit."""

from org.models import Structure, Unit, User

DRAFTER = "phongtt"  # Phòng Thông tin - Báo chí - Xuất bản
SECOND_DRAFTER = "truyenthong"  # Phòng Truyền thông số
BOARD_SECRETARY = "truongban"
BOARD_MEMBERS = ("bientap1", "bientap2", "bientap3")
DIRECTOR = "giamdoc"
DEPUTY = "phogiamdoc"
OFFICE = "vanphong"
MANAGER = "quanly"
ADMIN = "admin"
DISTRICT = "quan_ba_dinh"
URBAN_COMMUNE = "phuong_phuc_xa"  # in DISTRICT
RURAL_DISTRICT = "huyen_soc_son"
RURAL_COMMUNE = "xa_minh_phu"  # in RURAL_DISTRICT

LEADERS = {DIRECTOR, DEPUTY}
DEPARTMENT = {DRAFTER, SECOND_DRAFTER, BOARD_SECRETARY, *BOARD_MEMBERS, DIRECTOR, DEPUTY, OFFICE, MANAGER}
UNIT_OFFICERS = {DISTRICT, URBAN_COMMUNE, RURAL_DISTRICT, RURAL_COMMUNE}

ISSUING_DIVISION = "SVHTT-TTBCXB"  # DRAFTER's and MANAGER's division, which issues directives and periods


def person(username: str) -> User:
    return User.objects.get(username=username)


def unit(codename: str) -> Unit:
    """A district or commune of the 2025 structure by its codename (an officer's username is the same)."""
    return Unit.objects.get(structure=Structure.Y2025, codename=codename)


def division(code: str = ISSUING_DIVISION) -> Unit:
    return Unit.objects.get(code=code, structure=Structure.CITY)
