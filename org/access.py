"""Who may do what on the organisation's own pages."""

from .models import User


def user_may_import_people(user: User) -> bool:
    """Importing people creates accounts and memberships: staff holding both permissions (or a superuser)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff
                and user.has_perms(["org.add_user", "org.add_membership"]))


def user_may_reorganise(user: User) -> bool:
    """A reorganisation moves every unit's open work and people: staff who may change the structure in force
    and the memberships (or a superuser)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff
                and user.has_perms(["org.change_structureinforce", "org.change_membership"]))
