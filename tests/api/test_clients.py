"""Registered clients: tokens stored hashed and shown once (admin), revocation, inactive clients, missing or
wrong tokens, and the per-client rate limit (429 in Vietnamese, a new window a minute later)."""

import hashlib
import re
from datetime import timedelta

import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiClient


def test_the_token_is_kept_only_as_its_hash(central):
    stored = ApiClient.objects.get(pk=central.client.pk)
    assert central.token.startswith("ttcs_") and len(central.token) > 40
    assert stored.token_hash == hashlib.sha256(central.token.encode()).hexdigest()
    assert central.token not in {stored.token_hash, stored.token_prefix}
    assert central.token.startswith(stored.token_prefix)


def test_without_a_valid_token_the_answer_is_401_in_vietnamese(central, client):
    missing = client.get("/api/v1/bulletins")
    assert missing.status_code == 401 and missing.json()["code"] == "token_missing"
    assert "Thiếu mã truy cập" in missing.json()["detail"]
    wrong = client.get("/api/v1/bulletins", HTTP_AUTHORIZATION="Bearer ttcs_khong-phai-ma-that")
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Mã truy cập không hợp lệ.",
                                                         "code": "invalid_token", "errors": []}
    basic = client.get("/api/v1/bulletins", HTTP_AUTHORIZATION="Basic YWRtaW46YWRtaW4=")
    assert basic.status_code == 401 and basic.json()["detail"] == "Mã truy cập không hợp lệ."
    assert central.get("/bulletins").status_code == 200


def test_a_revoked_token_stops_at_once_and_a_new_one_works(central):
    assert central.get("/bulletins").status_code == 200
    services.client_revoke(client=central.client)
    response = central.get("/bulletins")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked" and response.json()["detail"] == "Mã truy cập đã bị thu hồi."

    client = ApiClient.objects.get(pk=central.client.pk)
    central.token = services.client_token_set(client=client)
    client.save()
    assert central.get("/bulletins").status_code == 200


def test_a_paused_client_is_refused(central):
    ApiClient.objects.filter(pk=central.client.pk).update(is_active=False)
    response = central.get("/bulletins")
    assert response.status_code == 401 and response.json()["code"] == "client_inactive"


def test_over_the_rate_limit_the_answer_is_429_until_the_next_minute(make_caller):
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        caller = make_caller("Hai yêu cầu mỗi phút", all_units=True, rate=2)
        assert caller.get("/bulletins").status_code == 200
        assert caller.get("/reporting/periods").status_code == 200
        refused = caller.get("/bulletins")
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert refused.json()["detail"].startswith("Vượt quá giới hạn 2 yêu cầu mỗi phút.")
        assert refused["Retry-After"] == "55"
        other = make_caller("Ứng dụng khác", all_units=True, rate=2)
        assert other.get("/bulletins").status_code == 200  # the limit is per client
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0) + timedelta(minutes=1), tick=False):
        assert caller.get("/bulletins").status_code == 200


def test_admin_shows_the_token_once_and_revokes(demo, client, user):
    client.force_login(user("admin"))
    response = client.post(reverse("admin:api_apiclient_add"), {
        "name": "Bảng tin điện tử phường Phúc Xá", "kind": "eboard", "access": "read", "rate_limit_per_minute": 60,
        "is_active": "on", "note": ""}, follow=True)
    assert response.status_code == 200
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "chỉ hiển thị một lần" in shown
    token = re.search(r"<code>(ttcs_[^<]+)</code>", shown).group(1)
    created = ApiClient.objects.get(name="Bảng tin điện tử phường Phúc Xá")
    assert created.token_hash == services.token_hash(token)
    page = client.get(reverse("admin:api_apiclient_change", args=[created.pk]))
    assert token not in page.content.decode()  # never shown again

    client.post(reverse("admin:api_apiclient_changelist"), {"action": "revoke", "_selected_action": [created.pk]})
    created.refresh_from_db()
    assert created.is_revoked
    assert client.get("/api/v1/bulletins", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
