"""Who may see the managers' dashboard and map: the division manager, the Director and the Deputies, through a
membership in that role (the superuser flag alone does not count: administering is not managing the work); and
who may see the air-schedule calendar of a unit or of a bulletin across units."""

from org import selectors as org_selectors
from org.models import Role, Unit, UnitKind, User

DASHBOARD_ROLES = (Role.MANAGER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR)


def may_see_dashboard(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and org_selectors.user_roles(user).intersection(DASHBOARD_ROLES))


def unit_ids_linkable(user: User, unit_ids) -> set[int]:
    """Which of these units' pages the reader may open (the unit directory's own rule), in one query."""
    return set(org_selectors.units_visible_to(user).filter(pk__in=list(unit_ids)).values_list("pk", flat=True))


# The air-schedule calendar: a commune's or a district's officers see their own units' (and a district the
# communes under it, the unit directory's rule); the managers and leaders any unit and, across units, a bulletin.
CALENDAR_ROLES = (*DASHBOARD_ROLES, Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)
CALENDAR_UNIT_KINDS = (UnitKind.COMMUNE, UnitKind.DISTRICT)


def may_use_air_calendar(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and org_selectors.user_roles(user).intersection(CALENDAR_ROLES))


def may_see_unit_calendar(user: User, unit: Unit) -> bool:
    return (may_use_air_calendar(user) and unit.kind in CALENDAR_UNIT_KINDS
            and org_selectors.user_can_see_unit(user, unit))


def may_see_bulletin_calendar(user: User) -> bool:
    """Every unit's planned air times of one bulletin: the Department's managers and leaders."""
    return may_see_dashboard(user)
