"""Who may see the managers' dashboard and map: the division manager, the Director and the Deputies, through a
membership in that role (the superuser flag alone does not count: administering is not managing the work)."""

from org import selectors as org_selectors
from org.models import Role, User

DASHBOARD_ROLES = (Role.MANAGER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR)


def may_see_dashboard(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and org_selectors.user_roles(user).intersection(DASHBOARD_ROLES))


def unit_ids_linkable(user: User, unit_ids) -> set[int]:
    """Which of these units' pages the reader may open (the unit directory's own rule), in one query."""
    return set(org_selectors.units_visible_to(user).filter(pk__in=list(unit_ids)).values_list("pk", flat=True))
