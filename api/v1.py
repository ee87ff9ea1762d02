"""The versioned JSON API (/api/v1/), built with django-ninja: pydantic schemas, the OpenAPI document generated
from this code (/api/v1/openapi.json, docs at /api/v1/docs), plain Django views and request handling underneath.

Views stay thin: scope checks in access.py, reads in selectors.py, writes in services (ours, and the flows' for
broadcast confirmations, play logs and heartbeats)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from broadcast import selectors as broadcast_selectors
from broadcast import services as broadcast_services
from common.errors import AlreadyDone
from coordination.models import Assignment, ReportRequirement
from editorial.models import BulletinRevision, Priority
from editorial.richtext import html_to_text
from org.models import Unit
from reporting import selectors as reporting_selectors
from workflows.broadcast import services as broadcasts

from . import access, selectors, services
from .auth import ClientToken
from .errors import ApiError, field_message, forbidden, not_found
from .models import ApiClient
from .schemas import (
    ERRORS,
    WRITE_ERRORS,
    BroadcastConfirmationIn,
    BroadcastConfirmationOut,
    BulletinOut,
    BulletinPage,
    DirectiveOut,
    DirectivePage,
    EboardOut,
    HeartbeatIn,
    HeartbeatOut,
    Id,
    Key,
    Moment,
    PeriodOut,
    PeriodTotalsOut,
    PlayLogIn,
    PlayLogOut,
    ScheduleOut,
)

api = NinjaAPI(
    title="TTCS Hà Nội — API v1",
    version="1",
    description=(
        "API của hệ thống thông tin cơ sở Hà Nội cho hệ thống thông tin nguồn trung ương, nhà cung cấp cụm loa "
        "CNTT-VT, bảng tin điện tử công cộng và phần mềm của xã/phường. Mỗi ứng dụng được đăng ký trong trang "
        "quản trị, có mã truy cập (Bearer), phạm vi đơn vị, quyền đọc/ghi và giới hạn số yêu cầu mỗi phút. "
        "Mọi thao tác ghi chống ghi lặp bằng khóa của ứng dụng (tiêu đề Idempotency-Key hoặc trường key)."
    ),
    urls_namespace="api-v1",
    auth=ClientToken(),
    docs_url="/docs",
)

PAGE_MAX = 200
OFFSET_MAX = 1_000_000
UnitCode = Query(None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$",
                 description="Mã đơn vị (theo cơ cấu đang áp dụng); bỏ trống: mọi đơn vị trong phạm vi.")
UnitPath = Path(..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="Mã đơn vị")
IdempotencyHeader = Header(None, alias="Idempotency-Key", description="Khóa chống ghi lặp của ứng dụng.")


# --- errors ---------------------------------------------------------------------------------------------------


def _error(request, status: int, code: str, detail: str, errors: list | None = None, headers: dict | None = None):
    response = api.create_response(request, {"detail": detail, "code": code, "errors": errors or []},
                                   status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.code, exc.detail, exc.errors, exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "invalid_token", _("Mã truy cập không hợp lệ."))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = [{"loc": [str(part) for part in e.get("loc", [])], "type": str(e.get("type", "")),
               "msg": field_message(str(e.get("type", "")))} for e in exc.errors]
    return _error(request, 422, "invalid", _("Dữ liệu gửi lên không hợp lệ."), errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Không tìm thấy dữ liệu yêu cầu."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return _error(request, 400, "bad_request", _("Nội dung yêu cầu không đọc được (JSON không hợp lệ)."))
    return _error(request, exc.status_code, "error", _("Yêu cầu không thực hiện được."))


# --- helpers -----------------------------------------------------------------------------------------------------


def _client(request: HttpRequest) -> ApiClient:
    return request.auth


def _scoped_unit(client: ApiClient, code: str | None) -> Unit | None:
    if not code:
        return None
    unit = selectors.unit_by_code(code)
    if unit is None:
        raise not_found(_("Không tìm thấy đơn vị mã %(code)s.") % {"code": code})
    if not access.covers_unit(client, unit):
        raise forbidden(_("Đơn vị %(name)s không thuộc phạm vi của ứng dụng này.") % {"name": unit.name})
    return unit


def _writer(client: ApiClient) -> None:
    if not access.may_write(client):
        raise forbidden(_("Ứng dụng này chỉ có quyền đọc."))


def _unit_out(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind, "structure": unit.structure}


def _absolute(request, path: str) -> str:
    """Absolute for API clients; relative (to the page's own origin) for what is pushed to e-boards."""
    return request.build_absolute_uri(path) if request is not None else path


def _attachment_url(request, bulletin_id: int, attachment_id: int) -> str:
    return _absolute(request, reverse("editorial:published_attachment", args=[bulletin_id, attachment_id]))


def _bulletin_out(request, bulletin) -> dict:
    revision: BulletinRevision = bulletin.published_revision
    audios = getattr(revision, "confirmed_audios", None) or []
    audio = audios[0] if audios else None
    topic = revision.plan_topic
    return {
        "id": bulletin.pk,
        "revision": revision.number,
        "is_correction": revision.kind == BulletinRevision.Kind.CORRECTION,
        "title": revision.title,
        "summary": revision.summary,
        "text": html_to_text(revision.body),
        "html": revision.body,
        "priority": revision.priority,
        "priority_label": str(Priority(revision.priority).label),
        "air_from": revision.air_from,
        "air_until": revision.air_until,
        "estimated_air_seconds": revision.estimated_air_seconds,
        "audio_url": _absolute(request, reverse("editorial:published_audio", args=[bulletin.pk, audio.pk]))
        if audio else None,
        "audio_duration_seconds": audio.duration_seconds if audio else None,
        "first_published_at": bulletin.first_published_at,
        "published_at": bulletin.published_at,
        "url": _absolute(request, reverse("editorial:published_detail", args=[bulletin.pk])),
        "plan_topic": {"year": topic.year, "number": topic.number, "title": topic.title} if topic else None,
        "drafting_unit": bulletin.drafting_unit.name,
        "targets": [_unit_out(u) for u in bulletin.target_unit_list],
        "attachments": [
            {"id": a["id"], "kind": a.get("kind", ""), "name": a.get("name", ""),
             "content_type": a.get("content_type", ""), "size": a.get("size"),
             "url": _attachment_url(request, bulletin.pk, a["id"])}
            for a in revision.attachments or [] if isinstance(a.get("id"), int)
        ],
    }


def _page(count: int, offset: int, limit: int) -> int | None:
    return offset + limit if offset + limit < count else None


# --- bulletins -------------------------------------------------------------------------------------------------------


@api.get("/bulletins", response={200: BulletinPage, **ERRORS}, tags=["Bản tin"],
         summary="Bản tin đã phát hành gửi tới các đơn vị trong phạm vi")
def bulletins_list(request, unit: str | None = UnitCode, since: Moment | None = Query(None),
                   priority: Priority | None = Query(None),
                   limit: int = Query(50, ge=1, le=PAGE_MAX), offset: int = Query(0, ge=0, le=OFFSET_MAX)):
    """Newest first; each item is the published revision (a correction under review keeps the previous text).
    Every bulletin returned is recorded as pulled by this client (for the bulletin's delivery state)."""
    client = _client(request)
    scoped = _scoped_unit(client, unit)
    qs = selectors.published_bulletins(client=client, unit=scoped, since=since, priority=priority)
    count = qs.count()
    bulletins = list(qs[offset:offset + limit])
    services.bulletin_pulls_record(client=client, bulletins=bulletins, unit=scoped)
    return {"count": count, "next_offset": _page(count, offset, limit),
            "items": [_bulletin_out(request, b) for b in bulletins]}


@api.get("/bulletins/{bulletin_id}", response={200: BulletinOut, **ERRORS},
         tags=["Bản tin"], summary="Một bản tin đã phát hành")
def bulletin_detail(request, bulletin_id: Id, unit: str | None = UnitCode):
    client = _client(request)
    scoped = _scoped_unit(client, unit)
    bulletin = selectors.published_bulletins(client=client, unit=scoped).filter(pk=bulletin_id).first()
    if bulletin is None:
        raise not_found(_("Không tìm thấy bản tin đã phát hành trong phạm vi của ứng dụng."))
    services.bulletin_pulls_record(client=client, bulletins=[bulletin], unit=scoped)
    return _bulletin_out(request, bulletin)


# --- directives ------------------------------------------------------------------------------------------------------


def _directive_out(directive, now: datetime) -> dict:
    return {
        "id": directive.pk,
        "title": directive.title,
        "instructions": directive.instructions,
        "issuing_unit": directive.issuing_unit.name,
        "urgency": directive.urgency.name,
        "deadline": directive.deadline,
        "status": directive.status,
        "status_label": directive.get_status_display(),
        "report_requirements": [str(r) for r in directive.report_requirements or []],
        "approved_at": directive.approved_at,
        "units": [
            {"assignment_id": a.pk, "unit": _unit_out(a.unit), "status": a.status,
             "status_label": a.get_status_display(), "deadline": a.deadline, "received_at": a.received_at,
             "reported_at": a.reported_at, "closed_at": a.closed_at,
             "overdue": not a.is_closed and a.deadline < now}
            for a in directive.scope_assignments
        ],
    }


@api.get("/directives", response={200: DirectivePage, **ERRORS}, tags=["Văn bản chỉ đạo"],
         summary="Văn bản chỉ đạo gửi tới các đơn vị trong phạm vi, với trạng thái từng đơn vị")
def directives_list(request, unit: str | None = UnitCode,
                    status: str | None = Query(None, pattern=r"^(fanning_out|in_progress|closed|cancelled)$"),
                    limit: int = Query(50, ge=1, le=PAGE_MAX), offset: int = Query(0, ge=0, le=OFFSET_MAX)):
    client = _client(request)
    qs = selectors.directives_for_client(client=client, unit=_scoped_unit(client, unit), status=status)
    count = qs.count()
    now = timezone.now()
    return {"count": count, "next_offset": _page(count, offset, limit),
            "items": [_directive_out(d, now) for d in qs[offset:offset + limit]]}


@api.get("/directives/{directive_id}", response={200: DirectiveOut, **ERRORS},
         tags=["Văn bản chỉ đạo"], summary="Một văn bản chỉ đạo và trạng thái của từng đơn vị trong phạm vi")
def directive_detail(request, directive_id: Id):
    client = _client(request)
    directive = selectors.directives_for_client(client=client).filter(pk=directive_id).first()
    if directive is None:
        raise not_found(_("Không tìm thấy văn bản chỉ đạo trong phạm vi của ứng dụng."))
    return _directive_out(directive, timezone.now())


# --- reporting -------------------------------------------------------------------------------------------------------


def _period_out(period) -> dict:
    return {"id": period.pk, "title": period.title, "kind": period.kind, "year": period.year,
            "structure": period.structure, "cutoff_date": period.cutoff_date, "due_date": period.due_date,
            "status": period.status}


@api.get("/reporting/periods", response={200: list[PeriodOut], **ERRORS}, tags=["Báo cáo định kỳ"],
         summary="Các kỳ báo cáo đã mở")
def periods_list(request):
    return [_period_out(p) for p in selectors.periods_for_client()[:PAGE_MAX]]


@api.get("/reporting/periods/{period_id}", response={200: PeriodTotalsOut, **ERRORS}, tags=["Báo cáo định kỳ"],
         summary="Số liệu tổng hợp của một kỳ (các đơn vị trong phạm vi)")
def period_totals(request, period_id: Id):
    """The sums of the accepted commune reports of the units in scope (every unit for an all-units client), and
    how many units have reported: the data the city shares with the central system."""
    client = _client(request)
    period = selectors.periods_for_client().filter(pk=period_id).first()
    if period is None:
        raise not_found(_("Không tìm thấy kỳ báo cáo."))
    units = None if client.all_units else access.scope_units(client)
    totals = reporting_selectors.totals(period, units)
    completeness = reporting_selectors.completeness_counts(period, units)
    return {
        **_period_out(period),
        "indicators": [{"code": i["code"], "group": i.get("group", ""), "name": i.get("name", ""),
                        "unit": i.get("unit", ""), "kind": i.get("kind", "")} for i in period.indicators],
        "scope": "all" if units is None else "units",
        "reports_counted": totals["count"],
        "totals": totals["values"],
        "completeness": {k: int(v or 0) for k, v in completeness.items()},
    }


# --- e-boards ---------------------------------------------------------------------------------------------------------


def eboard_item(request, bulletin) -> dict:
    revision = bulletin.published_revision
    images = [_attachment_url(request, bulletin.pk, a["id"]) for a in revision.attachments or []
              if isinstance(a.get("id"), int) and a.get("kind") in ("image", "infographic")
              and str(a.get("content_type", "")).startswith("image/")]
    return {"id": bulletin.pk, "revision": revision.number, "title": revision.title, "summary": revision.summary,
            "priority": revision.priority, "images": images,
            # a string: this also travels over the channel layer to the boards' sockets
            "published_at": bulletin.published_at.isoformat() if bulletin.published_at else None}


def eboard_content(request, unit: Unit) -> dict:
    items = [eboard_item(request, b) for b in selectors.eboard_bulletins(unit)]
    emergency = next((i for i in items if i["priority"] == Priority.EMERGENCY), None)
    return {"unit": _unit_out(unit), "emergency": emergency, "items": items}


@api.get("/units/{unit_code}/eboard", response={200: EboardOut, **ERRORS}, tags=["Bảng tin điện tử"],
         url_name="unit_eboard",
         summary="Nội dung bảng tin điện tử của một đơn vị (như trang toàn màn hình)")
def unit_eboard(request, unit_code: str = UnitPath):
    client = _client(request)
    return eboard_content(request, _scoped_unit(client, unit_code))


# --- loudspeaker schedules -------------------------------------------------------------------------------------------


@api.get("/units/{unit_code}/schedules", response={200: list[ScheduleOut], **ERRORS}, tags=["Cụm loa"],
         summary="Lịch phát của các cụm loa của một đơn vị")
def unit_schedules(request, unit_code: str = UnitPath):
    unit = _scoped_unit(_client(request), unit_code)
    return [
        {"id": p.pk, "bulletin_id": p.bulletin_id, "revision": p.revision, "title": p.title,
         "priority": p.priority, "kind": p.kind, "audio_url": p.audio_url, "audio_sha256": p.audio_sha256,
         "duration_seconds": p.duration_seconds, "times": [str(t) for t in p.times or []],
         "repetitions": p.repetitions, "status": p.status}
        for p in broadcast_selectors.schedules_for_unit(unit)
    ]


# --- writes ----------------------------------------------------------------------------------------------------------


def _key(header: str | None, body_key: str | None) -> str:
    key = header or body_key
    if not key:
        raise ApiError(422, "key_missing", _("Thiếu khóa chống ghi lặp (tiêu đề Idempotency-Key hoặc trường key)."),
                       errors=[{"loc": ["header", "Idempotency-Key"], "type": "missing",
                                "msg": field_message("missing")}])
    if header and body_key and header != body_key:
        raise ApiError(422, "key_mismatch", _("Tiêu đề Idempotency-Key và trường key khác nhau."))
    return key


def _validation_messages(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "message_dict"):
        return [{"loc": ["body", field], "type": "invalid", "msg": " ".join(str(m) for m in messages)}
                for field, messages in exc.message_dict.items()]
    return [{"loc": ["body"], "type": "invalid", "msg": str(m)} for m in exc.messages]


def _write(request, *, client: ApiClient, key: str, operation: str, payload, write):
    body = payload.model_dump(mode="json", exclude={"key"})
    try:
        status, answer = services.idempotent_write(client=client, key=key, operation=operation, body=body,
                                                   write=write)
    except AlreadyDone as exc:
        raise ApiError(409, "already_done", " ".join(str(m) for m in exc.messages)) from None
    except services.IdempotencyConflict:
        raise ApiError(409, "key_reused",
                       _("Khóa chống ghi lặp này đã được dùng cho một yêu cầu khác.")) from None
    except DjangoValidationError as exc:
        errors = _validation_messages(exc)
        raise ApiError(422, "rejected", errors[0]["msg"] if errors else _("Dữ liệu không hợp lệ."),
                       errors=errors) from None
    return Status(status, answer)


@api.post("/broadcast-confirmations", response={201: BroadcastConfirmationOut, **WRITE_ERRORS},
          tags=["Ghi nhận"], summary="Xã/phường xác nhận đã phát sóng một bản tin (thay cán bộ nhập tay)")
def broadcast_confirmation(request, payload: BroadcastConfirmationIn,
                           idempotency_key: Key | None = IdempotencyHeader):
    client = _client(request)
    _writer(client)
    key = _key(idempotency_key, payload.key)
    assignment = selectors.assignment_for_client(client, payload.assignment_id)
    if assignment is None:
        raise not_found(_("Không tìm thấy nhiệm vụ phát sóng của đơn vị trong phạm vi của ứng dụng."))
    if ReportRequirement.BROADCAST not in (assignment.directive.report_requirements or []):
        raise ApiError(422, "not_a_broadcast", _("Nhiệm vụ này không yêu cầu xác nhận phát sóng."))
    if assignment.status == Assignment.Status.CANCELLED:
        raise ApiError(422, "cancelled", _("Nhiệm vụ này đã bị hủy."))

    def write():
        done = broadcasts.broadcast_confirm(assignment=assignment, channels=list(payload.channels),
                                            aired_at=payload.aired_at, repetitions=payload.repetitions,
                                            note=payload.note, source=f"api:{client.pk}:{client.name}")
        return 201, {"assignment_id": done.pk, "unit": _unit_out(done.unit), "status": done.status,
                     "status_label": done.get_status_display()}

    return _write(request, client=client, key=key, operation="broadcast_confirmation", payload=payload, write=write)


@api.post("/play-logs", response={201: PlayLogOut, 200: PlayLogOut, **WRITE_ERRORS}, tags=["Cụm loa"],
          summary="Nhật ký phát của một cụm loa (bằng chứng phát sóng)")
def play_log(request, payload: PlayLogIn, idempotency_key: Key | None = IdempotencyHeader):
    """`key` is the cluster's own id for the log: the same log sent twice is stored once (200 the second
    time, with `created` false)."""
    client = _client(request)
    _writer(client)
    key = _key(idempotency_key, payload.key)
    _cluster_in_scope(client, payload.cluster_code)

    def write():
        log, created = broadcasts.play_log_ingest(
            cluster_code=payload.cluster_code, key=key, bulletin_id=payload.bulletin_id,
            started_at=payload.started_at, duration_seconds=payload.duration_seconds, result=payload.result,
            revision=payload.revision)
        return (201 if created else 200), {"id": log.pk, "created": created, "cluster_code": payload.cluster_code,
                                           "bulletin_id": payload.bulletin_id, "result": payload.result}

    return _write(request, client=client, key=key, operation="play_log", payload=payload, write=write)


@api.post("/heartbeats", response={200: HeartbeatOut, **WRITE_ERRORS}, tags=["Cụm loa"],
          summary="Tín hiệu hoạt động của một cụm loa")
def heartbeat(request, payload: HeartbeatIn, idempotency_key: Key | None = IdempotencyHeader):
    client = _client(request)
    _writer(client)
    key = _key(idempotency_key, payload.key)
    _cluster_in_scope(client, payload.cluster_code)

    def write():
        cluster = broadcast_services.heartbeat_record(cluster_code=payload.cluster_code, at=payload.at,
                                                   volume=payload.volume, faults=list(payload.faults))
        return 200, {"cluster_code": cluster.code, "status": cluster.status,
                     "last_seen_at": cluster.last_seen_at.isoformat() if cluster.last_seen_at else None}

    return _write(request, client=client, key=key, operation="heartbeat", payload=payload, write=write)


def _cluster_in_scope(client: ApiClient, code: str) -> None:
    """A cluster the client may write for: its unit is in scope. Unknown clusters are left to the service, which
    refuses them with its own message."""
    unit = selectors.cluster_unit(code)
    if unit is not None and not access.covers_unit(client, unit):
        raise forbidden(_("Cụm loa %(code)s không thuộc phạm vi của ứng dụng này.") % {"code": code})

