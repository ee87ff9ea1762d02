"""Feedback pages. Public (no account): a commune's form, the tracking page; both keep CSRF, the form is
rate-limited per address (Django's cache) and has a honeypot instead of a third-party captcha. Signed in: an
item's page and its attachments, for the unit handling it only (404 for anyone else: ids reveal nothing)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.files import file_response
from common.forms import add_errors
from common.http import object_or_404
from feedback import access
from feedback import selectors as feedback_selectors

from .forms import FeedbackForm, TrackForm
from .services import feedback_receive

RATE_WINDOW_SECONDS = 3600


def _rate_key(request) -> str:
    return f"feedback-rate:{request.META.get('REMOTE_ADDR', '')}"


def _over_limit(request) -> bool:
    return cache.get(_rate_key(request), 0) >= settings.FEEDBACK_RATE_LIMIT_PER_HOUR


def _count_one(request) -> None:
    key = _rate_key(request)
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)


def public_form(request, codename):
    commune = object_or_404(feedback_selectors.commune_by_codename(codename))
    context = {"commune": commune}
    if request.method == "POST" and _over_limit(request):
        return render(request, "workflows/feedback/public_form.html",
                      {**context, "form": FeedbackForm(), "limited": True}, status=429)
    form = FeedbackForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _count_one(request)
        if form.is_robot():  # pretend it went through; nothing is stored, nobody is told
            return render(request, "workflows/feedback/public_sent.html", {**context, "feedback": None})
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_receive(commune=commune, text=data["text"], name=data["name"],
                                            phone=data["phone"], email=data["email"], files=data["files"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect("feedback_public:track", feedback.code)
    return render(request, "workflows/feedback/public_form.html", {**context, "form": form},
                  status=400 if form.errors else 200)


def public_track(request, code=None):
    """The sender's page: status, where it is handled, the answer. Nothing of the contact."""
    if code is None:
        form = TrackForm(request.GET or None)
        if form.is_valid():
            return redirect("feedback_public:track", form.cleaned_data["code"].strip())
        return render(request, "workflows/feedback/public_track.html", {"form": form, "feedback": None})
    feedback = feedback_selectors.feedback_by_code(code)
    if feedback is None:
        raise Http404(_("Không tìm thấy phản ánh với mã này."))
    return render(request, "workflows/feedback/public_track.html", {"feedback": feedback, "form": TrackForm()})


@login_required
def item_page(request, pk):
    feedback = object_or_404(feedback_selectors.feedback_for_user(request.user, pk))
    return render(request, "workflows/feedback/item.html", {
        "feedback": feedback, "show_contact": access.can_see_contact(request.user, feedback)})


@login_required
def attachment_download(request, pk, attachment_pk):
    feedback = object_or_404(feedback_selectors.feedback_for_user(request.user, pk))
    if not access.can_see_contact(request.user, feedback):
        raise Http404
    attachment = object_or_404(next((a for a in feedback.attachments.all() if a.pk == attachment_pk), None))
    return file_response(request, attachment.file.name, filename=attachment.name,
                         content_type=attachment.content_type)
