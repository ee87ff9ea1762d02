"""What the API reads and writes, as pydantic schemas: django-ninja builds the OpenAPI document from them.

Inputs refuse what the database could not store (NUL characters in text, ids beyond 64 bits, moments without
a UTC offset or outside 2000–2100), so malformed requests are 422s, never server errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from common.ids import MAX_ID
from coordination.services.assignments import BROADCAST_CHANNELS

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
NoNul = r"^[^\x00]*$"
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Key = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]


def _plausible(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2100:
        raise ValueError("năm phải trong khoảng 2000–2100")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
BroadcastChannel = Literal[tuple(BROADCAST_CHANNELS)]  # loudspeaker, ip_loudspeaker, e_board, zalo, web…


class Error(Schema):
    """Every error: a Vietnamese message for people, a stable code for programs, and per-field details (422)."""

    detail: str
    code: str
    errors: list[dict] = []


ERRORS = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
WRITE_ERRORS = {**ERRORS, 400: Error, 409: Error}


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    structure: str


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int | None
    url: str


class PlanTopicOut(Schema):
    year: int
    number: int
    title: str


class BulletinOut(Schema):
    id: int
    revision: int
    is_correction: bool
    title: str
    summary: str
    text: str
    html: str
    priority: Literal["normal", "priority", "emergency"]
    priority_label: str
    air_from: datetime | None
    air_until: datetime | None
    estimated_air_seconds: int
    audio_url: str | None
    audio_duration_seconds: float | None
    first_published_at: datetime | None
    published_at: datetime | None
    url: str
    plan_topic: PlanTopicOut | None
    drafting_unit: str
    targets: list[UnitOut]
    attachments: list[AttachmentOut]


class BulletinPage(Schema):
    count: int
    next_offset: int | None
    items: list[BulletinOut]


class AssignmentStatusOut(Schema):
    assignment_id: int
    unit: UnitOut
    status: str
    status_label: str
    deadline: datetime
    received_at: datetime | None
    reported_at: datetime | None
    closed_at: datetime | None
    overdue: bool


class DirectiveOut(Schema):
    id: int
    title: str
    instructions: str
    issuing_unit: str
    urgency: str
    deadline: datetime
    status: str
    status_label: str
    report_requirements: list[str]
    approved_at: datetime | None
    units: list[AssignmentStatusOut]


class DirectivePage(Schema):
    count: int
    next_offset: int | None
    items: list[DirectiveOut]


class PeriodOut(Schema):
    id: int
    title: str
    kind: str
    year: int
    structure: str
    cutoff_date: date
    due_date: date
    status: str


class IndicatorOut(Schema):
    code: str
    group: str
    name: str
    unit: str
    kind: str


class PeriodTotalsOut(PeriodOut):
    indicators: list[IndicatorOut]
    scope: Literal["all", "units"]
    reports_counted: int
    totals: dict[str, int | str | dict[str, int]]
    completeness: dict[str, int]


class EboardItemOut(Schema):
    id: int
    revision: int
    title: str
    summary: str
    priority: str
    images: list[str]
    published_at: datetime | None


class EboardOut(Schema):
    unit: UnitOut
    emergency: EboardItemOut | None
    items: list[EboardItemOut]


class ScheduleOut(Schema):
    id: int
    bulletin_id: int
    revision: int
    title: str
    priority: str
    kind: str
    audio_url: str
    audio_sha256: str
    duration_seconds: float
    times: list[str]
    repetitions: int
    status: str


# --- writes ---------------------------------------------------------------------------------------------------


class WriteIn(Schema):
    key: Key | None = Field(None, description="Khóa chống ghi lặp (hoặc tiêu đề Idempotency-Key).")


class BroadcastConfirmationIn(WriteIn):
    assignment_id: Id
    channels: list[BroadcastChannel] = Field(min_length=1, max_length=len(BROADCAST_CHANNELS))
    aired_at: Moment
    repetitions: int = Field(1, ge=1, le=50)
    note: Annotated[str, StringConstraints(max_length=1000, pattern=NoNul)] = ""


class BroadcastConfirmationOut(Schema):
    assignment_id: int
    unit: UnitOut
    status: str
    status_label: str


class PlayLogIn(WriteIn):
    cluster_code: Code
    bulletin_id: Id
    revision: int | None = Field(None, ge=1, le=32767)
    started_at: Moment
    duration_seconds: float = Field(ge=0, le=86400, allow_inf_nan=False)
    result: Literal["ok", "partial", "failed"]


class PlayLogOut(Schema):
    id: int
    created: bool
    cluster_code: str
    bulletin_id: int
    result: str


class HeartbeatIn(WriteIn):
    cluster_code: Code
    at: Moment
    volume: int | None = Field(None, ge=0, le=100)
    faults: list[Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NoNul)]] = Field(
        default_factory=list, max_length=50)


class HeartbeatOut(Schema):
    cluster_code: str
    status: str
    last_seen_at: datetime | None
