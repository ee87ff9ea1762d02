"""Ids in URL paths that no database row can have: a 404 before any view (ours or a library's, such as
viewflow's `<int:process_pk>` pages) hands them to the database. Numbers too large for the database that reach
it from elsewhere (a form of Django's admin, a query string of a library's page) end in a 400 with a Vietnamese
message instead of a server error: SQLite raises OverflowError for integers above 2**63-1.

And the Permissions-Policy header, which Django has no setting for."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _

from .ids import MAX_ID

logger = logging.getLogger(__name__)


class IdRangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
                raise Http404
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            logger.warning("number out of range in %s %s: %s", request.method, request.path, exception)
            return HttpResponseBadRequest(_("Dữ liệu gửi lên có số quá lớn, không hợp lệ."),
                                          content_type="text/plain; charset=utf-8")
        return None


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY (Django has no setting of its own for this header)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
