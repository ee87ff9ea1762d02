"""Sending feedback as a person would (the public page's service) and finding its triage task."""

from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Task

from feedback.models import Feedback
from tests.cast import unit
from workflows import engine
from workflows.feedback import services
from workflows.feedback.flow import FeedbackFlow

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
TEXT = "Đèn chiếu sáng ngõ 12 phố Phúc Xá hỏng đã hai tuần, đề nghị phường sửa chữa."


def png(name="anh.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def send(codename="phuong_phuc_xa", text=TEXT, **fields) -> Feedback:
    fields.setdefault("name", "Nguyễn Văn An")
    fields.setdefault("phone", "0912345678")
    fields.setdefault("email", "an@example.vn")
    return services.feedback_receive(commune=unit(codename), text=text, **fields)


def triage_task(feedback: Feedback) -> Task | None:
    return engine.open_task(feedback, FeedbackFlow.triage)
