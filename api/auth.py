"""Who is calling: a registered client's bearer token (hashed at rest), revocation, and its rate limit."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from . import selectors, services
from .errors import ApiError
from .models import ApiClient

RATE_WINDOW_SECONDS = 60


def rate_limit_check(client: ApiClient) -> None:
    """A fixed one-minute window per client in the Django cache (Redis in production, shared by every
    process). Over the limit: 429 with Retry-After until the next window."""
    now = timezone.now()
    window = int(now.timestamp()) // RATE_WINDOW_SECONDS
    key = f"api:rate:{client.pk}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        used = 1
    if used > client.rate_limit_per_minute:
        retry_after = RATE_WINDOW_SECONDS - int(now.timestamp()) % RATE_WINDOW_SECONDS
        raise ApiError(429, "rate_limited",
                       _("Vượt quá giới hạn %(limit)s yêu cầu mỗi phút. Vui lòng thử lại sau %(seconds)s giây.")
                       % {"limit": client.rate_limit_per_minute, "seconds": retry_after},
                       headers={"Retry-After": str(retry_after)})


def client_authenticate(token: str) -> ApiClient:
    """The active client of a token, or an ApiError (401) saying why not. Rate limit counted here."""
    client = selectors.client_by_token(token.strip())
    if client is None:
        raise ApiError(401, "invalid_token", _("Mã truy cập không hợp lệ."))
    if client.is_revoked:
        raise ApiError(401, "token_revoked", _("Mã truy cập đã bị thu hồi."))
    if not client.is_active:
        raise ApiError(401, "client_inactive", _("Ứng dụng kết nối đang bị tạm dừng."))
    rate_limit_check(client)
    services.client_touch(client=client)
    return client


class ClientToken(HttpBearer):
    """`Authorization: Bearer <token>`; the token is shown once when the client is registered in admin."""

    def __call__(self, request):
        if not request.headers.get(self.header):
            raise ApiError(401, "token_missing", _("Thiếu mã truy cập (tiêu đề Authorization: Bearer <mã>)."))
        return super().__call__(request)

    def authenticate(self, request, token: str) -> ApiClient:
        return client_authenticate(token)
