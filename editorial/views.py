"""Editorial pages (plain Django views, thin): bulletin list, compose/edit, the bulletin page with revisions, diff,
comments, audio and deliveries, the plan coverage, and the public pages the portal links to. Review, sign-off and
publication are BulletinFlow tasks (workflows/), not pages of this app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.files import file_response
from common.forms import add_errors
from common.http import object_or_404

from . import access, selectors, services
from .forms import AudioRequestForm, AudioUploadForm, BulletinFilterForm, BulletinForm, CommentForm
from .models import BulletinAttachment, BulletinAudio, EditorialSettings
from .rules import format_duration

PAGE_SIZE = 50
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm")


def _saved(request, bulletin, saved: str, *notes: str) -> None:
    """One message: viewflow's snackbar shows only the last one. Air-time warnings never block the save."""
    warnings = [*notes, *selectors.bulletin_air_time_warnings(bulletin)]
    if warnings:
        messages.warning(request, " ".join([saved, *warnings]))
    else:
        messages.success(request, saved)


@login_required
def bulletin_list(request):
    form = BulletinFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.bulletin_list(
        fetched_by=request.user, status=filters.get("status") or None, priority=filters.get("priority") or None,
        plan_topic=filters["plan_topic"].pk if filters.get("plan_topic") else None, search=filters.get("q") or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "editorial/bulletin_list.html", {
        "page": page, "filter_form": form, "can_create": bool(access.drafting_unit_ids(request.user)),
    })


@login_required
def bulletin_create(request):
    units = selectors.drafting_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Chỉ người soạn thảo của các phòng thuộc Sở được soạn bản tin."))
    initial = {"words_per_minute": EditorialSettings.current().words_per_minute, "drafting_unit": units.first()}
    if request.GET.get("topic"):
        initial["plan_topic"] = request.GET["topic"]
    form = BulletinForm(request.POST or None, request.FILES or None, drafting_units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.bulletin_data()
        try:
            bulletin = services.bulletin_create(
                user=request.user, drafting_unit=form.cleaned_data["drafting_unit"], **data,
                attachments=form.cleaned_data["attachments"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, bulletin, _("Đã lưu dự thảo."))
            return redirect("editorial:bulletin_detail", bulletin.pk)
    return render(request, "editorial/bulletin_form.html", {"form": form, "title": _("Soạn bản tin")})


@login_required
def bulletin_edit(request, pk):
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    if not access.can_edit(request.user, bulletin):
        raise PermissionDenied(_("Bạn không sửa được bản tin này ở trạng thái hiện tại."))
    form = BulletinForm(request.POST or None, request.FILES or None, bulletin=bulletin,
                        initial=BulletinForm.initial_for(bulletin))
    if request.method == "GET" and (bulletin.target_spec or {}).get("structure") not in (None, form.structure):
        messages.warning(request, _("Bản tin này được soạn theo cơ cấu hành chính trước đây; hãy chọn lại đơn vị "
                                    "nhận theo cơ cấu đang áp dụng."))
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data.get("attachment_kind") or None
        was_approved = bulletin.status in bulletin.APPROVAL_HELD
        try:
            with transaction.atomic():  # the text and the new files are saved together or not at all
                services.bulletin_update(bulletin=bulletin, user=request.user, data=form.bulletin_data())
                for f in form.cleaned_data["attachments"]:
                    services.attachment_add(bulletin=bulletin, user=request.user, file=f,
                                            kind=None if f.name.lower().endswith(VIDEO_SUFFIXES) else kind)
        except ValidationError as error:
            add_errors(form, error)
        else:
            bulletin.refresh_from_db()
            voided = was_approved and bulletin.status == bulletin.Status.DRAFT
            _saved(request, bulletin, _("Đã lưu."),
                   *([_("Phê duyệt và bản âm thanh đã hết hiệu lực; hãy trình duyệt lại.")] if voided else []))
            return redirect("editorial:bulletin_detail", bulletin.pk)
    return render(request, "editorial/bulletin_form.html", {
        "form": form, "title": _("Sửa bản tin"), "bulletin": bulletin,
        "voids_approval": bulletin.status in bulletin.APPROVAL_HELD,
    })


@login_required
def bulletin_detail(request, pk):
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    revisions = selectors.bulletin_revisions(bulletin)
    number = request.GET.get("v")
    diff = selectors.revision_diff(revisions, int(number) if number and number.isdigit() else None)
    selected = next((r for r in revisions if diff and r.number == diff.new_number), None)
    audio_revision = services.audio_revision(bulletin)
    audios = next((list(r.audios.all()) for r in revisions if audio_revision and r.pk == audio_revision.pk), [])
    user = request.user
    return render(request, "editorial/bulletin_detail.html", {
        "bulletin": bulletin,
        "revisions": revisions,
        "diff": diff,
        "selected_revision": selected,
        "audios": audios,
        "audio_revision": audio_revision,
        "attachments": list(bulletin.attachments.all()),
        "events": list(bulletin.events.select_related("actor", "revision").order_by("-created_at", "-pk")[:100]),
        "history": selectors.bulletin_history(bulletin),
        "reviewers": selectors.review_round_state(bulletin),
        "deliveries": selectors.bulletin_deliveries(bulletin),
        "zalo_messages": selectors.bulletin_zalo_messages(bulletin),
        "air_time": format_duration(bulletin.estimated_air_seconds),
        "air_warnings": selectors.bulletin_air_time_warnings(bulletin),
        "target_count": bulletin.targets.count(),
        "confirmed_audio": selectors.confirmed_audio(bulletin.approved_revision or bulletin.published_revision),
        "sign_off_blockers": services.sign_off_blockers(bulletin) if bulletin.status == "approved" else [],
        "can_edit": access.can_edit(user, bulletin),
        "can_audio": access.can_manage_audio(user, bulletin),
        "can_comment": access.can_comment(user, bulletin) or selectors.reviewer_is_assigned(bulletin, user),
        "comment_form": CommentForm(),
        "audio_form": AudioRequestForm(initial={"voice": EditorialSettings.current().espeak_voice}),
        "upload_form": AudioUploadForm(),
    })


@login_required
@require_POST
def comment_add(request, pk, number):
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    revision = get_object_or_404(bulletin.revisions, number=number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(revision=revision, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã ghi góp ý."))
    else:
        messages.error(request, _("Hãy nhập nội dung góp ý."))
    return redirect(f"{bulletin_url(bulletin)}?v={revision.number}#comments")


def bulletin_url(bulletin) -> str:
    return reverse("editorial:bulletin_detail", args=[bulletin.pk])


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    attachment = get_object_or_404(BulletinAttachment, pk=attachment_pk, bulletin=bulletin)
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã gỡ tệp."))
    return redirect("editorial:bulletin_detail", bulletin.pk)


# --------------------------------------------------------------------------------------------------- audio


@login_required
@require_POST
def audio_request(request, pk):
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    form = AudioRequestForm(request.POST)
    if form.is_valid():
        try:
            services.audio_request(bulletin=bulletin, user=request.user, engine=form.cleaned_data["engine"],
                                   voice=form.cleaned_data.get("voice") or "")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đang tạo âm thanh; trang sẽ tự cập nhật."))
    return redirect(f"{bulletin_url(bulletin)}#audio")


@login_required
@require_POST
def audio_upload(request, pk):
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    form = AudioUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.audio_upload(bulletin=bulletin, user=request.user, file=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã tải lên bản thu."))
    else:
        messages.error(request, _("Hãy chọn tệp WAV."))
    return redirect(f"{bulletin_url(bulletin)}#audio")


def _audio_or_404(request, audio_pk) -> BulletinAudio:
    audio = get_object_or_404(BulletinAudio.objects.select_related("revision"), pk=audio_pk)
    if selectors.bulletin_for_user(request.user, audio.revision.bulletin_id) is None:
        raise Http404
    return audio


@login_required
@require_POST
def audio_confirm(request, audio_pk):
    audio = _audio_or_404(request, audio_pk)
    try:
        services.audio_confirm(audio=audio, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã xác nhận bản âm thanh sẽ phát."))
    return redirect(f"{bulletin_url(audio.revision.bulletin)}#audio")


@login_required
def audio_status(request, audio_pk):
    """Polled by editorial/audio.js while a recording is queued or rendering."""
    audio = _audio_or_404(request, audio_pk)
    return JsonResponse({
        "id": audio.pk, "status": audio.status, "status_label": audio.get_status_display(),
        "done": not audio.is_in_progress, "duration_seconds": audio.duration_seconds,
        "duration_label": format_duration(audio.duration_seconds),
        "url": reverse("editorial:audio_file", args=[audio.pk]) if audio.file else None, "error": audio.error,
    })


# ----------------------------------------------------------------------------------------------------- plan


@login_required
def plan_coverage(request):
    years = selectors.plan_years()
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else (timezone.localdate().year if timezone.localdate().year in years
                                                      else (years[0] if years else timezone.localdate().year))
    coverage = selectors.plan_coverage(year=year, fetched_by=request.user)
    return render(request, "editorial/plan_coverage.html", {
        "coverage": coverage, "years": years, "year": year,
        "can_create": bool(access.drafting_unit_ids(request.user)),
    })


# --------------------------------------------------------------------------------------------- public pages


def published_list(request):
    return render(request, "editorial/published_list.html", {"bulletins": selectors.published_bulletins(limit=50)})


def published_detail(request, pk):
    bulletin = object_or_404(selectors.published_bulletin(pk))
    return render(request, "editorial/published_detail.html", {
        "bulletin": bulletin, "revision": bulletin.published_revision,
        "audio": selectors.confirmed_audio(bulletin.published_revision),
    })


# -------------------------------------------------------------------------------------------------- files


def audio_download_name(audio: BulletinAudio) -> str:
    return f"ban-tin-{audio.revision.bulletin_id}-v{audio.revision.number}-{audio.pk}.wav"


@login_required
def attachment_file(request, pk, attachment_pk):
    """A working-copy attachment, for whoever may see the bulletin."""
    bulletin = object_or_404(selectors.bulletin_for_user(request.user, pk))
    attachment = get_object_or_404(bulletin.attachments, pk=attachment_pk)
    return file_response(request, attachment.file.name, filename=attachment.name,
                         content_type=attachment.content_type)


@login_required
def audio_file(request, audio_pk):
    """Any recording of a bulletin, for whoever may see the bulletin."""
    audio = _audio_or_404(request, audio_pk)
    if not audio.file:
        raise Http404
    return file_response(request, audio.file.name, filename=audio_download_name(audio), content_type="audio/wav")


def published_audio_file(request, pk, audio_pk):
    """Public: the confirmed recording of the published revision (the portal, the feeds, IP loudspeakers)."""
    audio = selectors.published_audio(pk, audio_pk)
    if audio is None or not audio.file:
        raise Http404
    return file_response(request, audio.file.name, filename=audio_download_name(audio), content_type="audio/wav",
                         public=True)


def published_attachment_file(request, pk, attachment_id):
    """Public: an attachment of the published revision."""
    attachment = selectors.published_attachment(pk, attachment_id)
    if attachment is None or not attachment.get("file"):
        raise Http404
    return file_response(request, attachment["file"], filename=attachment.get("name") or "",
                         content_type=attachment.get("content_type") or None, public=True)
