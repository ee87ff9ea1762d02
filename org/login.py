"""Login throttling with django-axes (settings: LOGIN_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT,
LOGIN_COOLOFF_MINUTES): two limits, one per username and a higher one per client address, and the lockout shown on
the login page in Vietnamese."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from viewflow.contrib.auth import AuthenticationForm


class LoginAttemptsHandler(AxesDatabaseHandler):
    """axes compares one count with one limit (AXES_FAILURE_LIMIT) and counts each lockout parameter apart. The
    address's count is scaled onto that limit, so that a username is locked at AXES_FAILURE_LIMIT failures and an
    address (a commune office behind one router) only at LOGIN_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        counts = {str(parameter): attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
                  for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True)}
        user_limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT
        address = counts.pop("ip_address", 0) * user_limit // max(address_limit, 1)  # >= user_limit iff at its limit
        return max([address, *counts.values()])


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    if not minutes:
        return _("Đăng nhập sai quá nhiều lần nên tài khoản hoặc địa chỉ truy cập này đã bị khóa. "
                 "Hãy liên hệ quản trị viên để được mở khóa.")
    return _("Đăng nhập sai quá nhiều lần nên tài khoản hoặc địa chỉ truy cập này tạm bị khóa %(minutes)s phút. "
             "Hãy thử lại sau hoặc liên hệ quản trị viên để được mở khóa.") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout as the form's error (429). It serves the admin's
    login too; its form posts back to the page it is on."""
    form = AuthenticationForm(request, initial={"username": get_client_username(request, credentials) or ""})
    form.cleaned_data = {}  # unbound (no password to show again), which add_error does not expect
    form.add_error(None, ValidationError(lockout_message(request), code="locked_out"))
    return render(request, "registration/login.html", {"form": form}, status=settings.AXES_HTTP_RESPONSE_CODE)


def login_unlock(*, usernames: list[str]) -> int:
    """Forget the counted failures of these usernames (an administrator's unlock); returns how many records went."""
    return sum(reset(username=username) for username in usernames)
