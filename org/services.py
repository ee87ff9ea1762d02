"""Writes on the organisation: units (bulk, idempotent), their groups and object permissions, people."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import selectors
from .models import (
    CURRENT_IN_FORCE_SINCE,
    LOCAL_STRUCTURES,
    Membership,
    Role,
    Structure,
    StructureInForce,
    Unit,
    UnitGroupObjectPermission,
    UnitKind,
    UnitSuccession,
    User,
)
from .roles import role_group_name, role_permissions, unit_group_name
from .succession import SUCCESSIONS

URBAN_PREFIXES = ("Phường", "Thị trấn")


def is_urban_name(name: str) -> bool:
    """Phường and thị trấn are urban; xã is rural. The old data's division_type is unreliable."""
    return name.startswith(URBAN_PREFIXES)


@dataclass(frozen=True)
class UnitSpec:
    """One unit as a loader sees it; `parent_code` refers to a unit of the same structure."""

    code: str
    name: str
    kind: str
    structure: str
    parent_code: str | None = None
    parent_structure: str | None = None
    codename: str = ""
    short_name: str = ""
    location: tuple[float, float, float] | None = None  # latitude, longitude, area (km²); None: left as it is


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _unit_path(parent: Unit | None, unit: Unit) -> str:
    return f"{parent.path if parent else '/'}{unit.pk}/"


@transaction.atomic
def units_sync(specs: Iterable[UnitSpec]) -> SyncResult:
    """Create or update units in place, parents before children, in a few bulk queries.

    Idempotent: running it again with the same specs changes nothing."""
    specs = list(specs)
    result = SyncResult()
    structures = {s.structure for s in specs} | {s.parent_structure for s in specs if s.parent_structure}
    existing = {(u.structure, u.code): u for u in Unit.objects.filter(structure__in=structures)}
    fields = ("name", "kind", "codename", "short_name", "is_urban", "latitude", "longitude", "area_km2")
    to_create, to_update = [], []
    for spec in specs:
        values = {
            "name": spec.name, "kind": spec.kind, "codename": spec.codename, "short_name": spec.short_name,
            "is_urban": spec.kind == UnitKind.COMMUNE and is_urban_name(spec.name),
        }
        if spec.location is not None:
            values["latitude"], values["longitude"], values["area_km2"] = spec.location
        unit = existing.get((spec.structure, spec.code))
        if unit is None:
            unit = Unit(code=spec.code, structure=spec.structure, **values)
            existing[(spec.structure, spec.code)] = unit
            to_create.append(unit)
        elif any(getattr(unit, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(unit, f, v)
            to_update.append(unit)
        else:
            result.unchanged += 1
    Unit.objects.bulk_create(to_create)  # returns primary keys on SQLite and PostgreSQL
    result.created, result.updated = len(to_create), len(to_update)
    counted = {id(u) for u in to_create} | {id(u) for u in to_update}

    # Parents and materialised paths, walking specs in order (parents are listed before children).
    moved = []
    for spec in specs:
        unit = existing[(spec.structure, spec.code)]
        parent = (
            existing[(spec.parent_structure or spec.structure, spec.parent_code)] if spec.parent_code else None
        )
        path = _unit_path(parent, unit)
        if unit.parent_id != (parent.pk if parent else None) or unit.path != path:
            unit.parent, unit.path = parent, path
            moved.append(unit)
            if id(unit) not in counted:
                counted.add(id(unit))
                result.unchanged -= 1
                result.updated += 1
    Unit.objects.bulk_update(to_update, fields)
    Unit.objects.bulk_update(moved, ["parent", "path"])
    unit_groups_ensure([existing[(s.structure, s.code)] for s in specs])
    return result


def unit_groups_ensure(units: list[Unit]) -> None:
    """Give each unit its Django group, and grant the object permissions that follow from the tree:
    a unit's group acts for the unit; every ancestor's group supervises it."""
    act = Permission.objects.get(content_type__app_label="org", codename="act_for_unit")
    supervise = Permission.objects.get(content_type__app_label="org", codename="supervise_unit")
    missing = [u for u in units if u.group_id is None]
    if missing:
        names = [unit_group_name(u.code, u.structure) for u in missing]
        existing_groups = {g.name: g for g in Group.objects.filter(name__in=names)}
        Group.objects.bulk_create([Group(name=n) for n in names if n not in existing_groups])
        groups = {g.name: g for g in Group.objects.filter(name__in=names)}
        for unit, name in zip(missing, names, strict=True):
            unit.group = groups[name]
        Unit.objects.bulk_update(missing, ["group"])

    all_units = {u.pk: u for u in Unit.objects.filter(pk__in=_ancestor_ids(units) | {u.pk for u in units})}
    wanted = set()
    for unit in units:
        wanted.add((unit.group_id, act.pk, unit.pk))
        for ancestor_id in _path_ids(unit.path)[:-1]:
            ancestor = all_units.get(ancestor_id)
            if ancestor and ancestor.group_id:
                wanted.add((ancestor.group_id, supervise.pk, unit.pk))
    have = set(
        UnitGroupObjectPermission.objects.filter(content_object__in=[u.pk for u in units]).values_list(
            "group_id", "permission_id", "content_object_id"
        )
    )
    UnitGroupObjectPermission.objects.bulk_create(
        [UnitGroupObjectPermission(group_id=g, permission_id=p, content_object_id=o) for g, p, o in wanted - have]
    )


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _ancestor_ids(units: Iterable[Unit]) -> set[int]:
    return {pk for u in units for pk in _path_ids(u.path)}


def role_groups_sync() -> None:
    """Create one group per role holding that role's model permissions (every app's map, org.roles)."""
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    unit: Unit
    role: str
    is_leader: bool = False
    job_title: str = ""


@transaction.atomic
def people_ensure(specs: list[PersonSpec], *, password: str) -> int:
    """Create the missing accounts with one shared password hashed once, their memberships and group
    memberships. Existing accounts are left as they are (their password is never reset). Returns how many
    accounts were created."""
    role_groups_sync()
    hashed = make_password(password)
    existing = set(User.objects.filter(username__in=[s.username for s in specs]).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=s.username, full_name=s.full_name, job_title=s.job_title, password=hashed,
                 is_staff=s.role == Role.ADMIN)
            for s in specs if s.username not in existing
        ]
    )
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    memberships_add([(users[s.username], s.unit, s.role, s.is_leader) for s in specs])
    return len(specs) - len(existing)


def memberships_add(rows: list[tuple[User, Unit, str, bool]]) -> None:
    """Add memberships (idempotent) and put each user in the unit's group and the role's group."""
    have = set(
        Membership.objects.filter(user__in=[r[0] for r in rows]).values_list("user_id", "unit_id", "role")
    )
    bulk_create_with_history(
        [Membership(user=u, unit=unit, role=role, is_leader=leader) for u, unit, role, leader in rows
         if (u.pk, unit.pk, role) not in have], Membership,
    )
    role_groups = {g.name: g.pk for g in Group.objects.filter(name__startswith="role:")}
    through = User.groups.through
    wanted = set()
    for user, unit, role, _leader in rows:
        if unit.group_id:
            wanted.add((user.pk, unit.group_id))
        if role_group_name(role) in role_groups:
            wanted.add((user.pk, role_groups[role_group_name(role)]))
    have_groups = set(through.objects.filter(user_id__in={w[0] for w in wanted}).values_list("user_id", "group_id"))
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in wanted - have_groups])


def membership_create(*, user: User, unit: Unit, role: str, is_leader: bool = False) -> Membership:
    """One membership, as the admin creates it."""
    if unit.group_id is None:
        unit_groups_ensure([unit])
        unit.refresh_from_db()
    memberships_add([(user, unit, role, is_leader)])
    membership_groups_sync(user)
    return Membership.objects.get(user=user, unit=unit, role=role)


@transaction.atomic
def membership_save(membership: Membership) -> Membership:
    """Create or edit one membership (admin, the user page's inline included). A changed unit, role or person
    moves the group memberships with it: everyone concerned ends in exactly the groups their memberships give."""
    previous_user_id = (Membership.objects.filter(pk=membership.pk).values_list("user_id", flat=True).first()
                        if membership.pk else None)
    membership.full_clean()
    membership.save()
    for user in User.objects.filter(pk__in={membership.user_id, previous_user_id} - {None}):
        membership_groups_sync(user)
    return membership


@transaction.atomic
def membership_delete(membership: Membership) -> None:
    """Remove a membership; the user leaves the unit's and the role's group unless another membership keeps them."""
    user = membership.user
    membership.delete()
    membership_groups_sync(user)


def _managed_groups() -> Q:
    """The groups memberships decide: units' groups and roles' groups (an administrator's other groups stay)."""
    return Q(unit__isnull=False) | Q(name__startswith=role_group_name(""))


@transaction.atomic
def membership_groups_sync(user: User) -> None:
    """Put `user` in exactly the unit groups and role groups of their memberships, creating a unit's group and
    the role groups when they are missing (a deployment that never ran the demo seed)."""
    memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    without_group = [m.unit for m in memberships if m.unit.group_id is None]
    if without_group:
        unit_groups_ensure(without_group)  # sets `group` on these instances
    role_names = {role_group_name(m.role) for m in memberships}
    if Group.objects.filter(name__in=role_names).count() < len(role_names):
        role_groups_sync()
    wanted = {m.unit.group_id for m in memberships} | set(
        Group.objects.filter(name__in=role_names).values_list("pk", flat=True))
    held = set(user.groups.filter(_managed_groups()).values_list("pk", flat=True))
    if held - wanted:
        user.groups.remove(*(held - wanted))
    if wanted - held:
        user.groups.add(*(wanted - held))


@transaction.atomic
def unit_save(unit: Unit) -> Unit:
    """Save a unit edited by hand (admin): recompute its path and its subtree's, then its permissions."""
    old_path = unit.path
    unit.full_clean(exclude=["path"])
    unit.save()
    new_path = _unit_path(unit.parent, unit)
    if new_path != old_path:
        subtree = list(Unit.objects.filter(path__startswith=old_path)) if old_path else [unit]
        for member in subtree:
            member.path = new_path + member.path[len(old_path):] if old_path else new_path
        Unit.objects.bulk_update(subtree, ["path"])
        supervise = Permission.objects.get(content_type__app_label="org", codename="supervise_unit")
        UnitGroupObjectPermission.objects.filter(content_object__in=subtree, permission=supervise).delete()
        unit_groups_ensure(subtree)
        unit.path = new_path
    else:
        unit_groups_ensure([unit])
    return unit


@transaction.atomic
def structure_in_force_set(*, structure: str, since: date | None = None) -> StructureInForce:
    """Say which administrative structure is in force from `since` on (the current one: 1/7/2025 by default).
    Its communes must be loaded. Pickers and target sets follow at once in this process, within
    `selectors.STRUCTURE_CACHE_SECONDS` in the others."""
    if structure not in LOCAL_STRUCTURES:
        raise ValidationError({"structure": _("Cơ cấu hành chính không hợp lệ.")})
    if not selectors.structure_loaded(structure):
        raise ValidationError({"structure": _("Chưa nạp đơn vị của cơ cấu này: hãy nạp đơn vị trước.")})
    if since is None:
        since = CURRENT_IN_FORCE_SINCE if structure == Structure.CURRENT else date(2025, 1, 1)
    row, _created = StructureInForce.objects.update_or_create(
        pk=1, defaults={"structure": structure, "in_force_since": since})
    selectors.structure_cache_clear()
    transaction.on_commit(selectors.structure_cache_clear)
    return row


# --- the reorganisation: predecessors linked to successors ----------------------------------------------------

@dataclass(frozen=True)
class SuccessionLink:
    predecessor: Unit
    successor: Unit
    is_default: bool
    divided: bool


@dataclass
class ReorganisationPlan:
    """What a reorganisation links (or linked): one row per predecessor → successor, and the counts."""

    source: str
    target: str
    on: date
    dry_run: bool
    links: list[SuccessionLink] = field(default_factory=list)
    links_created: int = 0
    units_located: int = 0
    structure_changed: bool = False
    without_successor: list[Unit] = field(default_factory=list)  # the districts: no successor unit

    def default_successor(self) -> dict[int, Unit]:
        """Predecessor unit id → the successor that takes its open work."""
        return {link.predecessor.pk: link.successor for link in self.links if link.is_default}

    def successor_sets(self) -> dict[int, set[int]]:
        """Unit id of the structure left → every successor unit id: a commune's (all of them when it was
        divided), a district's (those of its communes). Where work addressed to a unit now goes."""
        sets: dict[int, set[int]] = {}
        for link in self.links:
            sets.setdefault(link.predecessor.pk, set()).add(link.successor.pk)
        for district in self.without_successor:
            sets[district.pk] = set().union(*(
                sets.get(pk, set()) for pk in Unit.objects.filter(parent=district).values_list("pk", flat=True)))
        return sets

    @property
    def predecessor_count(self) -> int:
        return len({link.predecessor.pk for link in self.links})

    @property
    def successor_count(self) -> int:
        return len({link.successor.pk for link in self.links})

    @property
    def divided_count(self) -> int:
        return len({link.predecessor.pk for link in self.links if link.divided})


def _succession_links(source: str, target: str, data: dict) -> list[SuccessionLink]:
    """Join the data to the units: predecessors by code; successors by name (29 of the data's codes for new
    units differ from the loaded structure's)."""
    old = {u.code: u for u in Unit.objects.filter(structure=source, kind=UnitKind.COMMUNE)}
    new = {u.name: u for u in Unit.objects.filter(structure=target, kind=UnitKind.COMMUNE)}
    new_by_code = {row["code"]: new.get(row["name"]) for row in data["units"]}
    missing = sorted({c["code"] for c in data["communes"] if c["code"] not in old}
                     | {row["name"] for row in data["units"] if row["name"] not in new})
    if missing:
        raise ValidationError(_("Dữ liệu kế thừa không khớp với các đơn vị đã nạp: %(units)s")
                              % {"units": ", ".join(missing[:10])})
    return [
        SuccessionLink(predecessor=old[c["code"]], successor=new_by_code[code], is_default=code == c["default"],
                       divided=c["divided"])
        for c in data["communes"] for code in c["successors"]
    ]


@transaction.atomic
def reorganise(*, source: str, target: str, on: date | None = None, dry_run: bool = False) -> ReorganisationPlan:
    """Link the source structure's communes to their successors in the target structure (from the official
    data), give the successors their location, and put the target structure in force from `on`. Idempotent:
    a second run links nothing new. A dry run computes the same plan and writes nothing."""
    if (source, target) not in SUCCESSIONS:
        raise ValidationError(_("Không có dữ liệu kế thừa từ cơ cấu %(source)s sang %(target)s.")
                              % {"source": source, "target": target})
    on = on or CURRENT_IN_FORCE_SINCE
    data = SUCCESSIONS[(source, target)]()
    plan = ReorganisationPlan(source=source, target=target, on=on, dry_run=dry_run,
                              links=_succession_links(source, target, data))
    plan.without_successor = list(Unit.objects.filter(structure=source, kind=UnitKind.DISTRICT))
    existing = set(UnitSuccession.objects.filter(predecessor__structure=source, successor__structure=target)
                   .values_list("predecessor_id", "successor_id"))
    new_links = [link for link in plan.links if (link.predecessor.pk, link.successor.pk) not in existing]
    plan.links_created = len(new_links)
    by_name = {row["name"]: row for row in data["units"]}
    located = []
    for unit in {link.successor.pk: link.successor for link in plan.links}.values():
        row = by_name[unit.name]
        if (unit.latitude, unit.longitude, unit.area_km2) != (row["latitude"], row["longitude"], row["area_km2"]):
            unit.latitude, unit.longitude, unit.area_km2 = row["latitude"], row["longitude"], row["area_km2"]
            located.append(unit)
    plan.units_located = len(located)
    in_force = StructureInForce.objects.filter(pk=1).first() or StructureInForce()
    plan.structure_changed = (in_force.structure, in_force.in_force_since) != (target, on)
    if dry_run:
        return plan
    UnitSuccession.objects.bulk_create([
        UnitSuccession(predecessor=link.predecessor, successor=link.successor, is_default=link.is_default, on=on)
        for link in new_links
    ])
    Unit.objects.bulk_update(located, ["latitude", "longitude", "area_km2"])
    if plan.structure_changed:
        structure_in_force_set(structure=target, since=on)
    return plan


@dataclass
class MembershipsMoveResult:
    """Who moved where (user, old unit, new unit), and whose membership ended (user, old unit)."""

    moved: list[tuple[User, Unit, Unit]] = field(default_factory=list)
    ended: list[tuple[User, Unit]] = field(default_factory=list)


REASON_MAX = 100  # the history's change reason column


def _end(membership: Membership, reason: str) -> None:
    membership._change_reason = reason[:REASON_MAX]  # simple-history keeps it with the record
    membership.delete()


@transaction.atomic
def memberships_move_to_successors(*, successor_of: dict[int, Unit], ended_units: list[Unit],
                                   on: date) -> MembershipsMoveResult:
    """Move the memberships of predecessor units (keys of `successor_of`: unit id → default successor) to the
    successor, end those of `ended_units` (the districts), each with a note in the history, and re-grant the
    unit groups. Idempotent: a second run finds nobody on a predecessor."""
    result = MembershipsMoveResult()
    for m in Membership.objects.select_related("user", "unit").filter(unit_id__in=list(successor_of)).order_by("pk"):
        old, new = m.unit, successor_of[m.unit_id]
        reason = _("Sắp xếp đơn vị từ %(on)s: %(old)s → %(new)s") % {
            "old": old.name, "new": new.name, "on": on.strftime("%d/%m/%Y")}
        if Membership.objects.filter(user_id=m.user_id, unit=new, role=m.role).exists():
            _end(m, reason)  # two predecessors of one successor: one membership there is enough
        else:
            m.unit, m._change_reason = new, reason[:REASON_MAX]
            m.save()
        result.moved.append((m.user, old, new))
    for m in Membership.objects.select_related("user", "unit").filter(unit__in=ended_units).order_by("pk"):
        _end(m, _("Sắp xếp đơn vị từ %(on)s: %(unit)s không còn, phân công kết thúc") % {
            "unit": m.unit.name, "on": on.strftime("%d/%m/%Y")})
        result.ended.append((m.user, m.unit))
    for user in {u.pk: u for u, *_units in result.moved + result.ended}.values():
        membership_groups_sync(user)
    return result


@dataclass(frozen=True)
class PersonImport:
    """One row of a people sheet, checked: the account (created or updated in place) and one membership.
    Empty texts leave what the account holds; `is_leader` None leaves the membership's flag."""

    username: str
    full_name: str
    unit: Unit
    role: str
    email: str = ""
    phone: str = ""
    job_title: str = ""
    is_leader: bool | None = None


@dataclass
class PeopleImportResult:
    users_created: int = 0
    users_updated: int = 0
    memberships_created: int = 0
    memberships_updated: int = 0
    row_changes: list[str] = field(default_factory=list)  # per row: "created" | "updated" | "unchanged"

    @property
    def changed(self) -> bool:
        return any((self.users_created, self.users_updated, self.memberships_created, self.memberships_updated))


PERSON_FIELDS = ("full_name", "email", "phone", "job_title")


@transaction.atomic
def people_import(*, rows: list[PersonImport]) -> PeopleImportResult:
    """Create or update accounts and add memberships from checked sheet rows, in one transaction. Idempotent:
    importing the same rows again changes nothing. New accounts have no usable password (the administrator sets
    one, or the person resets it by e-mail); existing passwords are never touched. Memberships absent from the
    rows are kept (an import adds and updates, it never removes)."""
    result = PeopleImportResult()
    role_groups_sync()
    without_group = list({r.unit.pk: r.unit for r in rows if r.unit.group_id is None}.values())
    if without_group:
        unit_groups_ensure(without_group)
    existing = {u.username: u for u in User.objects.filter(username__in={r.username for r in rows})}
    new_users: dict[str, User] = {}
    changed_users: dict[str, User] = {}
    user_change: dict[str, str] = {}
    for row in rows:
        values = {f: getattr(row, f) for f in PERSON_FIELDS if getattr(row, f)}
        user = existing.get(row.username) or new_users.get(row.username)
        if user is None:
            user = User(username=row.username, password=make_password(None), is_staff=row.role == Role.ADMIN,
                        **values)
            new_users[row.username] = user
            user_change[row.username] = "created"
        elif row.username in existing and any(getattr(user, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(user, f, v)
            changed_users[row.username] = user
            user_change.setdefault(row.username, "updated")
    User.objects.bulk_create(list(new_users.values()))
    User.objects.bulk_update(list(changed_users.values()), list(PERSON_FIELDS))
    result.users_created, result.users_updated = len(new_users), len(changed_users)

    users = {u.username: u for u in User.objects.filter(username__in={r.username for r in rows})}
    have = {(m.user_id, m.unit_id, m.role): m for m in Membership.objects.filter(user__in=users.values())}
    to_add, leader_changes, seen = [], {}, set()
    for row in rows:
        user = users[row.username]
        key = (user.pk, row.unit.pk, row.role)
        membership = have.get(key)
        change = user_change.get(row.username, "unchanged")
        if membership is None and key not in seen:
            to_add.append((user, row.unit, row.role, bool(row.is_leader)))
            change = "created" if change == "created" else "updated"
        elif membership is not None and row.is_leader is not None and membership.is_leader != row.is_leader:
            membership.is_leader = row.is_leader
            leader_changes[key] = membership
            change = "updated"
        seen.add(key)
        result.row_changes.append(change)
    # Every row's membership, once: the new ones are created, and everyone is put in the unit's and role's groups.
    memberships_add(list({(users[r.username].pk, r.unit.pk, r.role): (users[r.username], r.unit, r.role,
                                                                      bool(r.is_leader)) for r in rows}.values()))
    for membership in leader_changes.values():
        membership_save(membership)
    result.memberships_created, result.memberships_updated = len(to_add), len(leader_changes)
    return result


MACHINE_USERNAME = "he_thong_tu_dong"


def machine_user() -> User:
    """The account machines act under (a cluster's play logs confirming a broadcast, an API client's report):
    named in every history row they write, never able to sign in."""
    user, created = User.objects.get_or_create(username=MACHINE_USERNAME, defaults={
        "first_name": _("Hệ thống tự động"), "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
