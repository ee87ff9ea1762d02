"""Reads shared by the editorial pages, feeds and the workflow. Query counts do not grow with the rows."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from org import selectors as org_selectors
from org.audit import HistoryEntry, history_entries
from org.models import Role, Unit, UnitKind, User

from . import access
from .diff import RevisionDiff, revisions_compare
from .models import (
    BroadcastLimit,
    Bulletin,
    BulletinAudio,
    BulletinRevision,
    BulletinTarget,
    ChannelDelivery,
    Outcome,
    PlanTopic,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    ZaloMessage,
)
from .rules import AreaLimit, air_time_warnings, review_outcome

# --------------------------------------------------------------------------------------------- visibility


def bulletins_visible_to(user: User) -> QuerySet[Bulletin]:
    """- the drafting division's drafters: its bulletins in every state (and every published one);
    - the Editorial Board, the Director and Deputies, managers: every bulletin once submitted;
    - the Department Office: bulletins signed off for publication;
    - a district or commune (and units above it): published bulletins addressed to a unit it may see.
    A draft never submitted stays with its division (administrators see everything)."""
    qs = Bulletin.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    drafting = access.drafting_unit_ids(user)
    condition = Q(drafting_unit_id__in=drafting)
    if drafting:  # the Department's drafters read everything already published
        condition |= Q(published_revision__isnull=False)
    if access.sees_everything(user) or access.is_board_member(user) or access.is_leader(user):
        condition |= Q(current_revision__isnull=False)
    if access.can_publish(user):
        condition |= Q(status__in=[Bulletin.Status.SIGNED_OFF, Bulletin.Status.SCHEDULED]) | Q(
            published_revision__isnull=False)
    addressed = BulletinTarget.objects.filter(unit__in=org_selectors.units_visible_to(user).values("pk"))
    condition |= Q(published_revision__isnull=False, pk__in=addressed.values("bulletin_id"))
    return qs.filter(condition)


def bulletin_for_user(user: User, pk: int) -> Bulletin | None:
    return (
        bulletins_visible_to(user)
        .select_related("plan_topic", "drafting_unit", "created_by", "current_revision", "approved_revision",
                        "published_revision", "signed_off_by", "published_by")
        .filter(pk=pk)
        .first()
    )


def bulletin_list(*, fetched_by: User, status: str | None = None, plan_topic: int | None = None,
                  priority: str | None = None, search: str | None = None) -> QuerySet[Bulletin]:
    qs = bulletins_visible_to(fetched_by).select_related("plan_topic", "drafting_unit", "created_by")
    if status == "published_any":
        qs = qs.filter(published_revision__isnull=False)
    elif status:
        qs = qs.filter(status=status)
    if plan_topic:
        qs = qs.filter(plan_topic_id=plan_topic)
    if priority:
        qs = qs.filter(priority=priority)
    if search:
        qs = qs.filter(title__icontains=search.strip())
    return qs.order_by("-updated_at", "-pk")


def drafting_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=access.drafting_unit_ids(user)).order_by("path")


def reviewer_candidates() -> QuerySet[User]:
    """People who may be chosen to review: the Editorial Board's secretary and members."""
    return User.objects.filter(
        is_active=True, memberships__role__in=[Role.BOARD_SECRETARY, Role.BOARD_MEMBER]
    ).distinct().order_by("username")


# ------------------------------------------------------------------------------------------ plan coverage


@dataclass
class TopicCoverage:
    topic: PlanTopic
    bulletins: list[Bulletin]
    bulletin_count: int
    published_count: int
    first_published_at: datetime | None
    state: str  # covered | covered_late | late | due | upcoming

    @property
    def is_late(self) -> bool:
        return self.state in ("late", "covered_late")


@dataclass
class PlanCoverage:
    year: int
    rows: list[TopicCoverage] = field(default_factory=list)

    def count(self, *states: str) -> int:
        return sum(1 for r in self.rows if r.state in states)

    @property
    def covered(self) -> int:
        return self.count("covered", "covered_late")

    @property
    def late(self) -> int:
        return self.count("late")

    @property
    def covered_late(self) -> int:
        return self.count("covered_late")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _coverage_state(topic: PlanTopic, published: int, first_published: datetime | None, today: date) -> str:
    window_end = month_end(topic.year, topic.month_to)
    if published:
        return "covered_late" if timezone.localdate(first_published) > window_end else "covered"
    if today > window_end:
        return "late"
    if today >= date(topic.year, topic.month_from, 1):
        return "due"
    return "upcoming"


def plan_years() -> list[int]:
    return list(PlanTopic.objects.order_by("-year").values_list("year", flat=True).distinct())


def plan_coverage(*, year: int, fetched_by: User, today: date | None = None) -> PlanCoverage:
    """The year's topics with their months, directing source and the bulletins the user may see for each;
    a topic is covered when a bulletin on it was published, late when its months passed without one. Three
    queries whatever the number of topics and bulletins (plus the visibility lookups)."""
    today = today or timezone.localdate()
    published = Q(bulletins__published_revision__isnull=False)
    topics = (
        PlanTopic.objects.filter(year=year, is_active=True)
        .annotate(
            bulletin_total=Count("bulletins", distinct=True),
            published_total=Count("bulletins", filter=published, distinct=True),
            first_published=Min("bulletins__first_published_at"),
        )
        .prefetch_related(Prefetch(
            "bulletins",
            queryset=bulletins_visible_to(fetched_by).select_related("drafting_unit").order_by("created_at", "pk"),
            to_attr="visible_bulletins",
        ))
        .order_by("number")
    )
    coverage = PlanCoverage(year=year)
    for topic in topics:
        coverage.rows.append(TopicCoverage(
            topic=topic, bulletins=topic.visible_bulletins, bulletin_count=topic.bulletin_total,
            published_count=topic.published_total, first_published_at=topic.first_published,
            state=_coverage_state(topic, topic.published_total, topic.first_published, today),
        ))
    return coverage


# ------------------------------------------------------------------------------------- revisions, reviews


def bulletin_revisions(bulletin: Bulletin) -> list[BulletinRevision]:
    """Newest first, with their comments, decisions and audio (four queries)."""
    return list(
        bulletin.revisions.select_related("created_by", "plan_topic")
        .prefetch_related(
            Prefetch("comments", queryset=_comments()),
            Prefetch("decisions", queryset=ReviewDecision.objects.select_related("reviewer")),
            Prefetch("audios", queryset=BulletinAudio.objects.select_related("requested_by", "confirmed_by")),
        )
        .order_by("-number")
    )


def _comments():
    return ReviewComment.objects.select_related("author")


def revision_diff(revisions: list[BulletinRevision], number: int | None = None) -> RevisionDiff | None:
    """Revision `number` (default: the newest) against the one before it, from an already loaded list."""
    if not revisions:
        return None
    by_number = {r.number: r for r in revisions}
    new = by_number.get(number) if number else max(revisions, key=lambda r: r.number)
    if new is None:
        return None
    older = [r for r in revisions if r.number < new.number]
    return revisions_compare(new, max(older, key=lambda r: r.number) if older else None)


def round_reviewers(bulletin: Bulletin, round: int | None = None) -> list[ReviewAssignment]:
    round = bulletin.review_round if round is None else round
    return list(bulletin.review_assignments.filter(round=round).select_related("reviewer"))


def round_decisions(bulletin: Bulletin, round: int | None = None) -> list[ReviewDecision]:
    round = bulletin.review_round if round is None else round
    if not bulletin.current_revision_id:
        return []
    return list(ReviewDecision.objects.filter(revision_id=bulletin.current_revision_id, round=round)
                .select_related("reviewer"))


def review_round_outcome(bulletin: Bulletin) -> str:
    """The current round's outcome under the rule fixed when its reviewers were chosen (`pending` before)."""
    if bulletin.status != Bulletin.Status.IN_REVIEW:
        return Outcome.PENDING
    reviewers = bulletin.review_assignments.filter(round=bulletin.review_round).count()
    if not reviewers:
        return Outcome.PENDING
    decisions = ReviewDecision.objects.filter(revision_id=bulletin.current_revision_id, round=bulletin.review_round)
    return review_outcome(decisions.values_list("decision", flat=True), reviewers, bulletin.review_rule)


@dataclass(frozen=True)
class ReviewerState:
    reviewer: User
    decision: ReviewDecision | None


def review_round_state(bulletin: Bulletin) -> list[ReviewerState]:
    decided = {d.reviewer_id: d for d in round_decisions(bulletin)}
    return [ReviewerState(a.reviewer, decided.get(a.reviewer_id)) for a in round_reviewers(bulletin)]


def reviewer_is_assigned(bulletin: Bulletin, user: User) -> bool:
    return bulletin.review_assignments.filter(round=bulletin.review_round, reviewer=user).exists()


# ---------------------------------------------------------------------------------------- air time limits


def applicable_limits(bulletin: Bulletin) -> list[AreaLimit]:
    """The loudspeaker limits of the areas a bulletin goes to: urban wards and towns, rural communes, or both
    when it goes to districts or no commune is named."""
    limits = BroadcastLimit.current()
    counts = BulletinTarget.objects.filter(bulletin=bulletin).aggregate(
        urban=Count("pk", filter=Q(unit__kind=UnitKind.COMMUNE, unit__is_urban=True)),
        rural=Count("pk", filter=Q(unit__kind=UnitKind.COMMUNE, unit__is_urban=False)),
        districts=Count("pk", filter=Q(unit__kind=UnitKind.DISTRICT)),
    ) if bulletin.pk else {"urban": 0, "rural": 0, "districts": 0}
    both = counts["districts"] or not (counts["urban"] or counts["rural"])
    areas = [area for area in (BroadcastLimit.Area.URBAN, BroadcastLimit.Area.RURAL) if both or counts[area]]
    return [AreaLimit(a, str(limits[a].get_area_display()), limits[a].max_minutes_per_session) for a in areas]


def bulletin_air_time_warnings(bulletin: Bulletin, air_seconds: int | None = None) -> list[str]:
    seconds = bulletin.estimated_air_seconds if air_seconds is None else air_seconds
    return air_time_warnings(seconds, applicable_limits(bulletin))


# ---------------------------------------------------------------------------------------- audio, channels


def confirmed_audio(revision: BulletinRevision | None) -> BulletinAudio | None:
    if revision is None:
        return None
    return (BulletinAudio.objects.filter(revision=revision, status=BulletinAudio.Status.READY,
                                         confirmed_at__isnull=False, voided_at__isnull=True)
            .order_by("-confirmed_at").first())


def bulletin_deliveries(bulletin: Bulletin) -> list[ChannelDelivery]:
    return list(bulletin.deliveries.select_related("revision").order_by("-created_at", "-pk")[:200])


def bulletin_zalo_messages(bulletin: Bulletin) -> list[ZaloMessage]:
    return list(bulletin.zalo_messages.select_related("revision", "zalo_group").order_by("-created_at", "pk"))


def published_bulletins(*, limit: int = 50, unit_code: str | None = None) -> QuerySet[Bulletin]:
    """What the channels carry: the published revision of each bulletin (a correction under review keeps the
    previous published text on air), newest first, with its confirmed audio and target unit codes."""
    audio = BulletinAudio.objects.filter(status=BulletinAudio.Status.READY, confirmed_at__isnull=False,
                                         voided_at__isnull=True)
    qs = (
        Bulletin.objects.filter(published_revision__isnull=False)
        .select_related("published_revision", "published_revision__plan_topic", "drafting_unit")
        .prefetch_related(
            Prefetch("published_revision__audios", queryset=audio, to_attr="confirmed_audios"),
            Prefetch("target_units", queryset=Unit.objects.only("pk", "code", "structure").order_by("path"),
                     to_attr="target_unit_list"),
        )
        .order_by("-published_at", "-pk")
    )
    if unit_code:
        qs = qs.filter(pk__in=BulletinTarget.objects.filter(unit__code=unit_code).values("bulletin_id"))
    return qs[:limit]


def published_bulletin(pk: int) -> Bulletin | None:
    """A published bulletin for its public page (anyone may read what was published)."""
    return (
        Bulletin.objects.filter(pk=pk, published_revision__isnull=False)
        .select_related("published_revision", "published_revision__plan_topic", "drafting_unit")
        .first()
    )


# --------------------------------------------------------------------------------------------- background work


def audio_renders_stalled(now: datetime | None = None) -> list[int]:
    """Recordings whose job has vanished (its worker died): queued for longer than AUDIO_QUEUED_GRACE_SECONDS,
    or rendering under a claim older than AUDIO_RENDER_LEASE_SECONDS. Oldest first."""
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.AUDIO_QUEUED_GRACE_SECONDS)
    claimed_before = now - timedelta(seconds=settings.AUDIO_RENDER_LEASE_SECONDS)
    return list(
        BulletinAudio.objects.filter(
            Q(status=BulletinAudio.Status.QUEUED, requested_at__lt=queued_before)
            | Q(status=BulletinAudio.Status.RENDERING, render_started_at__lt=claimed_before)
        ).order_by("requested_at", "pk").values_list("pk", flat=True)
    )


def bulletin_history(bulletin: Bulletin) -> list[HistoryEntry]:
    """Field-level changes of the working copy (who, when, old → new), beside the event log."""
    return history_entries(bulletin)


def published_audio(bulletin_pk: int, audio_pk: int) -> BulletinAudio | None:
    """The recording anyone may fetch: the confirmed audio of a bulletin's published revision (what the public
    page and the feeds carry). Every other recording stays with the people who may see its bulletin."""
    bulletin = published_bulletin(bulletin_pk)
    audio = confirmed_audio(bulletin.published_revision) if bulletin is not None else None
    return audio if audio is not None and audio.pk == audio_pk else None


def published_attachment(bulletin_pk: int, attachment_id: int) -> dict | None:
    """An attachment of a bulletin's published revision, as frozen in it ({id, name, file, content_type, ...}):
    public, even when the working copy has dropped it since."""
    bulletin = published_bulletin(bulletin_pk)
    if bulletin is None:
        return None
    return next((a for a in bulletin.published_revision.attachments or [] if a.get("id") == attachment_id), None)
