"""Who may do what with bulletins, from the person's memberships (role in a unit, read through
org.selectors.user_memberships, once per user object). Services call these before every write; pages call them
to show or hide actions."""

from __future__ import annotations

from org.models import LEADER_ROLES, Role, User
from org.selectors import user_memberships, user_roles

from .models import Bulletin, Priority

BOARD_ROLES = (Role.BOARD_SECRETARY, Role.BOARD_MEMBER)


def drafting_unit_ids(user: User) -> set[int]:
    return {unit for role, unit in user_memberships(user) if role == Role.DRAFTER}


def is_drafter_of(user: User, unit_id: int) -> bool:
    return unit_id in drafting_unit_ids(user)


def is_board_member(user: User) -> bool:
    """Secretary or member of the Editorial Board: may be chosen as a reviewer."""
    return bool(user_roles(user) & set(BOARD_ROLES))


def is_board_secretary(user: User) -> bool:
    return Role.BOARD_SECRETARY in user_roles(user)


def is_leader(user: User) -> bool:
    return bool(user_roles(user) & set(LEADER_ROLES))


def can_publish(user: User) -> bool:
    """The Department Office posts to the channels; the Director and Deputies may too."""
    return Role.OFFICE in user_roles(user) or is_leader(user)


def sees_everything(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("org.supervise_all_units"))


def can_draft(user: User) -> bool:
    """Writes bulletins: a drafter of one of the Department's divisions."""
    return bool(drafting_unit_ids(user))


def uses_bulletin_flow(user: User) -> bool:
    """Who the bulletin approval flow app is for: drafters, the Board, the leaders, the Office and those who
    supervise every unit; districts and communes receive published bulletins only."""
    return bool(user_roles(user) & {Role.DRAFTER, *BOARD_ROLES, *LEADER_ROLES, Role.OFFICE}) or sees_everything(user)


def can_edit(user: User, bulletin: Bulletin) -> bool:
    """Drafters of the drafting division, while the bulletin is a draft, returned, withdrawn, or approved but not
    yet published (an edit then voids the approval)."""
    return is_drafter_of(user, bulletin.drafting_unit_id) and (
        bulletin.status in Bulletin.EDITABLE or bulletin.status in Bulletin.APPROVAL_HELD
    )


def can_submit(user: User, bulletin: Bulletin) -> bool:
    return is_drafter_of(user, bulletin.drafting_unit_id) and bulletin.status in Bulletin.EDITABLE


def can_correct(user: User, bulletin: Bulletin) -> bool:
    return is_drafter_of(user, bulletin.drafting_unit_id) and bulletin.status == Bulletin.Status.PUBLISHED


def can_manage_audio(user: User, bulletin: Bulletin) -> bool:
    """Render, upload and confirm the recording: the drafting division's editors and the Board's secretary; for an
    emergency, which no Board approves, the leaders too."""
    return is_drafter_of(user, bulletin.drafting_unit_id) or is_board_secretary(user) or (
        bulletin.priority == Priority.EMERGENCY and is_leader(user))


def can_comment(user: User, bulletin: Bulletin) -> bool:
    return (is_drafter_of(user, bulletin.drafting_unit_id) or is_board_member(user) or is_leader(user)
            or can_publish(user))


# --- the BulletinFlow's human steps (workflows/bulletin.py calls these for assign, execute and reassign) -------

def can_choose_reviewers(user: User) -> bool:
    return is_board_secretary(user)


def can_review(user: User, reviewer_id: int | None) -> bool:
    """A review task belongs to the Board member chosen for it; the Board secretary may take it over."""
    return is_board_member(user) and (user.pk == reviewer_id or is_board_secretary(user))


def can_hand_over_review(user: User) -> bool:
    """The Board secretary releases a review or hands it to another Board member."""
    return is_board_secretary(user)


def can_revise(user: User, bulletin: Bulletin) -> bool:
    """Changes requested by the Board go back to the drafting division (the task is the author's)."""
    return is_drafter_of(user, bulletin.drafting_unit_id)


def can_prepare_audio(user: User) -> bool:
    return is_board_secretary(user)


def can_sign_off(user: User) -> bool:
    """The Director or a Deputy signs off a bulletin and approves an emergency one."""
    return is_leader(user)
