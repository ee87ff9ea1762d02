"""Pages (list, preferences) and the JSON endpoints the browser script falls back to when websockets fail."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, ListView

from common.ids import parse_id, parse_ids

from . import selectors, services
from .forms import EmailPreferencesForm
from .payloads import notification_payloads

MAX_LIMIT = 100


def json_login_required(view):
    """Scripts get a 401 they can act on, not a redirect to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"error": _("Phiên đăng nhập đã hết hạn.")}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def _int(value, default: int | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_GET
@json_login_required
def since_api(request: HttpRequest) -> JsonResponse:
    """Polling fallback and the bell's list: notifications newer than `last_id` (the newest `limit`, oldest
    first), the unread count and the newest id. Without `last_id`: nothing, only where to start."""
    last_id = parse_id(request.GET.get("last_id"), minimum=0)
    limit = min(max(_int(request.GET.get("limit"), selectors.CATCH_UP_LIMIT), 1), MAX_LIMIT)
    since = selectors.notifications_since(request.user, last_id, limit)
    return JsonResponse(
        {
            "notifications": notification_payloads(since.notifications),
            "truncated": since.truncated,
            "last_id": since.last_id,
            "unread": selectors.unread_count(request.user),
        }
    )


@require_POST
@json_login_required
def read_api(request: HttpRequest) -> HttpResponse:
    """Mark read: JSON {"ids": [..]} or {"all": true} from the script; a form (ids=…, all=1, next=…) from the
    list page, which is redirected back."""
    is_json = request.content_type == "application/json"
    if is_json:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": _("Dữ liệu không hợp lệ.")}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"error": _("Dữ liệu không hợp lệ.")}, status=400)
        mark_all, raw_ids = bool(data.get("all")), data.get("ids") or []
        if not isinstance(raw_ids, list):
            return JsonResponse({"error": _("Dữ liệu không hợp lệ.")}, status=400)
    else:
        mark_all, raw_ids = request.POST.get("all") in ("1", "true", "on"), request.POST.getlist("ids")
    ids = parse_ids(raw_ids)
    marked = services.mark_all_read(request.user) if mark_all else services.mark_read(request.user, ids)
    if is_json:
        return JsonResponse({"marked": marked, "unread": selectors.unread_count(request.user)})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return selectors.notification_list(self.request.user, unread_only=self.unread_only)

    @property
    def unread_only(self) -> bool:
        return self.request.GET.get("unread") == "1"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(unread_only=self.unread_only, **kwargs)
        context[self.context_object_name] = selectors.listed(context["object_list"])
        return context


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"

    def get_form(self, form_class=None):
        return EmailPreferencesForm(
            **self.get_form_kwargs(), initial_prefs=selectors.email_preferences(self.request.user)
        )

    def form_valid(self, form):
        services.set_email_preferences(self.request.user, form.choices())
        messages.success(self.request, _("Đã lưu tùy chọn nhận thông báo."))
        return HttpResponseRedirect(reverse("notifications:preferences"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(has_email=bool(self.request.user.email), **kwargs)
