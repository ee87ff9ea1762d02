"""Reads on the organisation that every other app uses. Visibility is decided by guardian object
permissions held by unit groups: a unit's group acts for it, its ancestors' groups supervise it."""

import time
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from common import bulk

from .models import Membership, Structure, StructureInForce, Unit, UnitKind, User

# The structure in force is read on most pages and by every target resolution: kept per process for a few seconds.
# `structure_in_force_set` forgets it at once in its own process; other processes (web workers, the background
# consumer) see a change within STRUCTURE_CACHE_SECONDS, without a restart.
STRUCTURE_CACHE_SECONDS = 5.0
_structure_cache: dict[str, tuple[float, StructureInForce]] = {}


def structure_in_force_record() -> StructureInForce:
    """The row saying which structure is in force and since when (an unsaved default when there is none:
    the current structure, since 1/7/2025)."""
    cached = _structure_cache.get("row")
    now = time.monotonic()
    if cached is not None and now - cached[0] < STRUCTURE_CACHE_SECONDS:
        return cached[1]
    row = StructureInForce.objects.filter(pk=1).first() or StructureInForce()
    _structure_cache["row"] = (now, row)
    return row


def structure_in_force() -> str:
    """The administrative structure every target set, unit picker, period and dashboard resolves against."""
    return structure_in_force_record().structure


def structure_cache_clear() -> None:
    _structure_cache.clear()


def structure_loaded(structure: str) -> bool:
    """Whether the structure's communes are loaded (it can be put in force)."""
    return Unit.objects.filter(structure=structure, kind=UnitKind.COMMUNE, is_active=True).exists()


def structure_has_districts(structure: str) -> bool:
    """Whether the structure has a district level (2025: yes; the current one: no), i.e. whether district sets
    and relay to communes make sense in it."""
    return Unit.objects.filter(structure=structure, kind=UnitKind.DISTRICT, is_active=True).exists()


def local_units(structure: str) -> QuerySet[Unit]:
    """The active districts and communes of one structure."""
    return Unit.objects.filter(structure=structure, is_active=True, kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE])


def pickable_units(structure: str | None = None) -> QuerySet[Unit]:
    """The units a directive or a bulletin may name one by one: the Department's divisions and the local units of
    the structure (in force by default)."""
    structure = structure or structure_in_force()
    return Unit.objects.filter(
        Q(structure=structure, kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE])
        | Q(structure=Structure.CITY, kind=UnitKind.DIVISION),
        is_active=True,
    ).select_related("parent").order_by("path")


def unit_group_label(unit: Unit) -> str:
    """The group a picker shows a unit under: a 2025 commune under its district, the others by kind."""
    if unit.kind == UnitKind.COMMUNE and unit.parent is not None and unit.parent.kind == UnitKind.DISTRICT:
        return unit.parent.name
    if unit.kind == UnitKind.COMMUNE:
        return str(_("Xã, phường"))
    if unit.kind == UnitKind.DISTRICT:
        return str(_("Quận, huyện, thị xã"))
    return str(_("Các phòng, đơn vị thuộc Sở"))


def units_under(unit: Unit, *, include_self: bool = False) -> QuerySet[Unit]:
    """Every unit below `unit` in the tree, at any depth."""
    qs = Unit.objects.filter(path__startswith=unit.path, is_active=True)
    return qs if include_self else qs.exclude(pk=unit.pk)


def units_acted_for(user: User) -> QuerySet[Unit]:
    """The units whose work this user carries out (the units of their memberships)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return get_objects_for_user(
        user, "org.act_for_unit", klass=Unit, use_groups=True, with_superuser=False, accept_global_perms=False
    )


def units_visible_to(user: User) -> QuerySet[Unit]:
    """The units whose work this user may see: their own, the units under them, or every unit for a
    manager, the Department's leaders and administrators."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser or user.has_perm("org.supervise_all_units"):
        return Unit.objects.all()
    return get_objects_for_user(
        user, ["org.act_for_unit", "org.supervise_unit"], klass=Unit, any_perm=True, with_superuser=False,
        accept_global_perms=False,
    )


def user_can_act_for(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.has_perm("org.act_for_unit", unit)


def user_can_see_unit(user: User, unit: Unit) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or user.has_perm("org.supervise_all_units")
        or user.has_perm("org.act_for_unit", unit)
        or user.has_perm("org.supervise_unit", unit)
    )


def people_of_unit(unit: Unit, *, role: str | None = None, leaders_only: bool = False) -> QuerySet[User]:
    """Active people with a membership in `unit`, optionally with one role or only its leaders."""
    memberships = Membership.objects.filter(unit=unit)
    if role:
        memberships = memberships.filter(role=role)
    if leaders_only:
        memberships = memberships.filter(is_leader=True)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("username")


def people_of_units(units: Iterable[Unit]) -> QuerySet[User]:
    """Active people with a membership in any of `units` (each once): one query, however many units."""
    memberships = Membership.objects.filter(unit__in=bulk.any_of(u.pk for u in units))
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("username")


def people_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__role=role).distinct().order_by("username")


def people_with_permission(perm: str) -> QuerySet[User]:
    """Active people holding a model permission through their role groups (or directly)."""
    app_label, codename = perm.split(".", 1)
    by_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return User.objects.filter(by_group | direct, is_active=True).distinct().order_by("username")


def user_holds_permission(user: User, perm: str) -> bool:
    """Whether the user holds a model permission through a role group or directly; unlike `has_perm`, the
    superuser flag alone does not count (administering the system is not doing the Department's work)."""
    return user.is_authenticated and people_with_permission(perm).filter(pk=user.pk).exists()


def user_acts_for_unit(user: User, unit: Unit) -> bool:
    """Whether the user acts for `unit` through a membership (the superuser flag alone does not count)."""
    return user.is_authenticated and units_acted_for(user).filter(pk=unit.pk).exists()


def membership_list(user: User) -> QuerySet[Membership]:
    """The user's memberships with their units, for pages that show them."""
    return Membership.objects.filter(user=user).select_related("unit")


def user_memberships(user: User) -> frozenset[tuple[str, int]]:
    """(role, unit id) of each of the user's memberships: the one way apps read a person's roles. Read once per
    user object (a request's user), so a page asking many questions about one person costs one query."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_org_memberships", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("role", "unit_id"))
        user._org_memberships = cached
    return cached


def user_roles(user: User) -> set[str]:
    """The roles the user holds in any unit."""
    return {role for role, _unit in user_memberships(user)}


def units_in_force(structure: str | None = None) -> QuerySet[Unit]:
    """Active units people can be given a membership in: the Department's and those of the local structure in
    force (or of `structure`)."""
    return Unit.objects.filter(structure__in=[Structure.CITY, structure or structure_in_force()],
                               is_active=True)


def users_by_username(usernames) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=list(usernames))}


def users_by_email(emails) -> dict[str, User]:
    """Existing accounts by lower-cased e-mail (the first one when several accounts share an address)."""
    wanted = {e.lower() for e in emails if e}
    found: dict[str, User] = {}
    for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted).order_by("pk"):
        found.setdefault(user.email_lower, user)
    return found


def memberships_of(users) -> dict[tuple[int, int, str], Membership]:
    """The memberships of `users`, by (user id, unit id, role)."""
    return {(m.user_id, m.unit_id, m.role): m for m in Membership.objects.filter(user__in=list(users))}
