"""Pure rules of the editorial process (no database): how a review round ends, and when a bulletin is too long
for a loudspeaker session. The flow's Join condition and the services both call `review_outcome`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models.policies import ReviewRule
from .models.reviews import Decision, Outcome


def review_outcome(decisions: Iterable, reviewers_count: int, rule: str) -> str:
    """The result of one review round so far.

    `decisions` holds the round's decisions, one per reviewer: Decision values or objects with `.decision`.
    - any reject ends the round: rejected;
    - rule "all": any request for changes returns it at once; everyone approving approves it;
    - rule "majority" (more than half of the assigned reviewers): approved as soon as a majority approved;
      returned for changes as soon as a majority can no longer be reached.
    Otherwise the round is still pending. The result does not depend on the order of the decisions.
    """
    if reviewers_count < 1:
        raise ValueError("a review round needs at least one reviewer")
    values = [getattr(d, "decision", d) for d in decisions]
    if len(values) > reviewers_count:
        raise ValueError(f"{len(values)} decisions for {reviewers_count} reviewers")
    unknown = set(values) - set(Decision.values)
    if unknown:
        raise ValueError(f"unknown decisions: {sorted(unknown)}")
    if rule not in ReviewRule.values:
        raise ValueError(f"unknown review rule {rule!r}")

    if Decision.REJECT in values:
        return Outcome.REJECTED
    approvals = values.count(Decision.APPROVE)
    changes = values.count(Decision.REQUEST_CHANGES)
    if rule == ReviewRule.ALL:
        if changes:
            return Outcome.CHANGES_REQUESTED
        return Outcome.APPROVED if approvals == reviewers_count else Outcome.PENDING
    needed = reviewers_count // 2 + 1
    if approvals >= needed:
        return Outcome.APPROVED
    if approvals + (reviewers_count - len(values)) < needed:
        return Outcome.CHANGES_REQUESTED
    return Outcome.PENDING


@dataclass(frozen=True)
class AreaLimit:
    area: str
    label: str
    max_minutes_per_session: int


def format_duration(seconds: float | int | None) -> str:
    """"3 phút 05 giây" style, for people (feeds carry seconds)."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    minutes, secs = divmod(total, 60)
    if not minutes:
        return _("%(s)d giây") % {"s": secs}
    return _("%(m)d phút %(s)02d giây") % {"m": minutes, "s": secs}


def air_time_warnings(air_seconds: int, limits: Iterable[AreaLimit]) -> list[str]:
    """Non-blocking warnings (Vietnamese) when a bulletin alone is longer than a session may last."""
    warnings = []
    for limit in limits:
        if air_seconds > limit.max_minutes_per_session * 60:
            warnings.append(
                _("Thời lượng ước tính %(duration)s vượt giới hạn %(limit)d phút mỗi buổi phát ở %(area)s; "
                  "nên rút gọn hoặc chia thành nhiều bản tin.")
                % {"duration": format_duration(air_seconds), "limit": limit.max_minutes_per_session,
                   "area": limit.label}
            )
    return warnings
