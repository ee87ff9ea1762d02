"""How a message reaches a propagandist, one small interface per channel so that the outbox does not care how.

- e-mail: Django's e-mail backend (var/mail in the embedded profile, SMTP in production);
- SMS and Zalo: OUTREACH_SMS_SENDER / OUTREACH_ZALO_SENDER = "file" (demo: one JSON file per message under
  OUTREACH_OUTBOX_DIR/<channel>/), "" (not configured: every message fails at once with a clear reason and is not
  retried, so nothing pretends to be delivered), or the dotted path of a Sender subclass (a carrier's gateway)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Channel


class SendError(Exception):
    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Sender:
    def send(self, *, to: str, subject: str, text: str, reference: str) -> None:
        raise NotImplementedError


class EmailSender(Sender):
    def send(self, *, to: str, subject: str, text: str, reference: str) -> None:
        if not to:
            raise SendError("Chưa có địa chỉ thư điện tử.", retryable=False)
        try:
            EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers={"X-TTCS-Ref": reference}).send()
        except OSError as exc:
            raise SendError(f"Máy chủ thư lỗi: {exc}") from exc


class FileSender(Sender):
    def __init__(self, channel: str) -> None:
        self.directory = Path(settings.OUTREACH_OUTBOX_DIR) / channel

    def send(self, *, to: str, subject: str, text: str, reference: str) -> None:
        if not to:
            raise SendError("Chưa có số điện thoại.", retryable=False)
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{reference}.json"
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps({"to": to, "subject": subject, "text": text, "reference": reference,
                                   "written_at": timezone.now().isoformat()}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)


class UnconfiguredSender(Sender):
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, *, to: str, subject: str, text: str, reference: str) -> None:
        raise SendError(f"Kênh {Channel(self.channel).label} chưa cấu hình (OUTREACH_{self.channel.upper()}_SENDER): "
                        "tin chưa được gửi.", retryable=False)


def sender_for(channel: str) -> Sender:
    if channel == Channel.EMAIL:
        return EmailSender()
    name = {Channel.SMS: settings.OUTREACH_SMS_SENDER, Channel.ZALO: settings.OUTREACH_ZALO_SENDER}[channel]
    if name == "file":
        return FileSender(channel)
    if not name:
        return UnconfiguredSender(channel)
    return import_string(name)()
