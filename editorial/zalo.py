"""Sending a bulletin to Zalo groups, behind one small interface so that the outbox does not care how.

Configuration (settings, from the environment):
- ZALO_SENDER: "" or "api" (the Official Account API, needs ZALO_OA_ACCESS_TOKEN), "file" (demo: JSON files
  under ZALO_OUTBOX_DIR, default var/zalo/), or the dotted path of a ZaloSender subclass.
- ZALO_OA_ACCESS_TOKEN: the Official Account's access token (group messaging permission).
- ZALO_GROUP_MESSAGE_URL: the group message endpoint of Zalo's OA API (Group Message Framework).
With no token, the "api" sender fails every message with a clear "chưa cấu hình" error and does not retry, so an
unconfigured install never pretends to have delivered anything."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# Zalo OA API v3 group messages (GMF); not exercised against the real service from here.
DEFAULT_GROUP_MESSAGE_URL = "https://openapi.zalo.me/v3.0/oa/group/message"


class ZaloSendError(Exception):
    """A send failed. `retryable` False means trying again cannot help (missing configuration, refused)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class ZaloSendResult:
    external_id: str = ""
    detail: str = ""


class ZaloSender(ABC):
    name: str = "zalo"

    @abstractmethod
    def send(self, *, group_id: str, text: str, reference: str) -> ZaloSendResult:
        """Post `text` to the group. `reference` identifies the outbox row (idempotency key for the receiver)."""


class UnconfiguredZaloSender(ZaloSender):
    name = "unconfigured"

    def send(self, *, group_id: str, text: str, reference: str) -> ZaloSendResult:
        raise ZaloSendError(
            "Kênh Zalo chưa cấu hình: thiếu ZALO_OA_ACCESS_TOKEN (hoặc đặt ZALO_SENDER=file để ghi ra tệp khi "
            "chạy thử). Tin nhắn chưa được gửi.",
            retryable=False,
        )


class FileZaloSender(ZaloSender):
    """Demo and offline installs: one JSON file per message, written atomically."""

    name = "file"

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def send(self, *, group_id: str, text: str, reference: str) -> ZaloSendResult:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            safe_group = "".join(ch for ch in group_id if ch.isalnum() or ch in "-_")[:64] or "group"
            target = self.directory / f"{reference}-{safe_group}.json"
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
            payload = {"group_id": group_id, "text": text, "reference": reference,
                       "written_at": timezone.now().isoformat()}
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:
            raise ZaloSendError(f"Không ghi được tệp Zalo: {exc}") from exc
        return ZaloSendResult(external_id=target.name, detail=str(target))


class ZaloOAGroupSender(ZaloSender):
    """Zalo Official Account API: POST a text message to a group the OA was added to."""

    name = "api"

    def __init__(self, access_token: str, url: str = DEFAULT_GROUP_MESSAGE_URL, timeout: float = 15.0) -> None:
        self.access_token = access_token
        self.url = url
        self.timeout = timeout

    def send(self, *, group_id: str, text: str, reference: str) -> ZaloSendResult:
        body = json.dumps({"recipient": {"group_id": group_id}, "message": {"text": text}}).encode()
        request = urllib.request.Request(
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json", "access_token": self.access_token},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as exc:
            raise ZaloSendError(f"Zalo trả lỗi HTTP {exc.code}", retryable=exc.code >= 500 or exc.code == 429) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ZaloSendError(f"Không kết nối được Zalo: {exc}") from exc
        except ValueError as exc:
            raise ZaloSendError("Zalo trả về dữ liệu không đọc được") from exc
        if answer.get("error", 0) != 0:
            raise ZaloSendError(f"Zalo từ chối (mã {answer.get('error')}): {answer.get('message', '')}",
                                retryable=False)
        data = answer.get("data") or {}
        return ZaloSendResult(external_id=str(data.get("message_id", "")), detail=answer.get("message", ""))


def zalo_sender_from_settings() -> ZaloSender:
    choice = (getattr(settings, "ZALO_SENDER", "") or "").strip()
    if choice == "file":
        directory = getattr(settings, "ZALO_OUTBOX_DIR", None) or Path(settings.BASE_DIR) / "var" / "zalo"
        return FileZaloSender(directory)
    if choice in ("", "api"):
        token = getattr(settings, "ZALO_OA_ACCESS_TOKEN", "") or ""
        if not token:
            return UnconfiguredZaloSender()
        return ZaloOAGroupSender(token, getattr(settings, "ZALO_GROUP_MESSAGE_URL", "") or DEFAULT_GROUP_MESSAGE_URL)
    return import_string(choice)()
