"""Directive attachments and report evidence are private: random stored names outside MEDIA_ROOT, served only
through views that check the directive's (or the assignment's) visibility; a file whose content does not match
its extension is refused."""

import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from coordination.models import AssignmentEvidence, DirectiveAttachment, Urgency
from org.models import Unit
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, open_task, unit
from workflows.directive import services as directive_services
from workflows.directive.flow import UnitAssignmentFlow

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"


def start(user, **kwargs):
    return directive_services.directive_start(
        user=user("phongtt"), issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title="Phát bản tin bão",
        instructions="<p>Phát ngay</p>", urgency=Urgency.objects.get(code="hoa_toc"),
        target_spec={"units": [unit("phuong_phuc_xa").pk]}, report_requirements=["text", "files"], **kwargs)


@pytest.fixture
def reported(demo, user, client, django_capture_on_commit_callbacks):
    """A directive to one commune with an attachment, and the commune's report with a photo as evidence."""
    with django_capture_on_commit_callbacks(execute=True):
        directive = start(user, attachments=[SimpleUploadedFile("Kế hoạch số 12.pdf", PDF)])
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    assignment = assignment_of(directive, "phuong_phuc_xa")
    officer = user("phuong_phuc_xa")
    acknowledge(assignment, officer)
    task = open_task(assignment, UnitAssignmentFlow.report)
    client.force_login(officer)
    response = client.post(f"/unitassignment/{task.process_id}/report/{task.pk}/execute/",
                           {"text": "Đã phát 3 lần", "files": [SimpleUploadedFile("ảnh chụp loa.jpg", JPEG)]})
    assert response.status_code == 302
    client.logout()
    return {"directive": directive, "assignment": assignment,
            "attachment": DirectiveAttachment.objects.get(directive=directive),
            "evidence": AssignmentEvidence.objects.get(assignment=assignment)}


def urls(reported):
    attachment, evidence = reported["attachment"], reported["evidence"]
    return {
        "attachment": (reverse("coordination:directive_attachment_file", args=[reported["directive"].pk,
                                                                                attachment.pk]), PDF),
        "evidence": (reverse("coordination:evidence_file", args=[reported["assignment"].pk, evidence.pk]), JPEG),
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_stored_names_are_random_and_outside_media_root(reported, settings):
    attachment, evidence = reported["attachment"], reported["evidence"]
    assert re.fullmatch(r"directives/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", evidence.file.name)
    assert (attachment.name, evidence.name) == ("Kế hoạch số 12.pdf", "ảnh chụp loa.jpg")
    for stored in (attachment.file.name, evidence.file.name):
        assert (Path(settings.PRIVATE_MEDIA_ROOT) / stored).is_file()
        assert not (Path(settings.MEDIA_ROOT) / stored).exists()
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018  (private files have no URL)


@pytest.mark.parametrize("username", ["phuong_phuc_xa", "quan_ba_dinh", "phongtt", "giamdoc"])
def test_rightful_users_get_the_bytes(reported, client, user, username):
    client.force_login(user(username))
    for kind, (url, content) in urls(reported).items():
        response = client.get(url)
        assert response.status_code == 200, (kind, username)
        assert body(response) == content
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
    disposition = client.get(urls(reported)["attachment"][0])["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="Ke hoach so 12.pdf"' in disposition
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2012.pdf" in disposition
    assert client.get(urls(reported)["evidence"][0])["Content-Type"] == "image/jpeg"


def test_anonymous_is_sent_to_the_login_page(reported, client):
    for url, _content in urls(reported).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("username", ["xa_minh_phu", "huyen_soc_son"])
def test_other_units_are_refused(reported, client, user, username):
    client.force_login(user(username))
    for kind, (url, _content) in urls(reported).items():
        assert client.get(url).status_code == 404, (kind, username)


def test_evidence_is_not_reachable_through_another_assignment(reported, client, user):
    client.force_login(user("phuong_phuc_xa"))
    evidence = reported["evidence"]
    wrong = reverse("coordination:evidence_file", args=[reported["assignment"].pk + 1000, evidence.pk])
    assert client.get(wrong).status_code == 404


def test_the_old_media_paths_answer_404(reported, client, user, settings):
    client.force_login(user("giamdoc"))
    attachment = reported["attachment"]
    assert client.get(f"{settings.MEDIA_URL}{attachment.file.name}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}directives/2026/11/doc.pdf").status_code == 404
    page = client.get(f"/coordination/directives/{reported['directive'].pk}/").content.decode()
    assert urls(reported)["attachment"][0] in page and "/media/" not in page
    assignment_page = client.get(f"/coordination/assignments/{reported['assignment'].pk}/").content.decode()
    assert urls(reported)["evidence"][0] in assignment_page


def test_content_that_does_not_match_the_extension_is_refused(demo, user, client):
    with pytest.raises(ValidationError) as refused:
        start(user, attachments=[SimpleUploadedFile("doc.pdf", HTML)])
    assert refused.value.message_dict["attachments"] == ["Nội dung tệp “doc.pdf” không khớp với phần mở rộng .pdf."]
    with pytest.raises(ValidationError, match="không thuộc loại được phép"):
        start(user, attachments=[SimpleUploadedFile("trang.html", HTML)])
    assert not DirectiveAttachment.objects.exists()


def test_report_with_a_disguised_file_is_refused_on_the_page(demo, user, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        directive = start(user)
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    assignment = assignment_of(directive, "phuong_phuc_xa")
    acknowledge(assignment, user("phuong_phuc_xa"))
    task = open_task(assignment, UnitAssignmentFlow.report)
    client.force_login(user("phuong_phuc_xa"))
    page = client.post(f"/unitassignment/{task.process_id}/report/{task.pk}/execute/",
                       {"text": "Đã phát", "files": [SimpleUploadedFile("bien-ban.docx", b"PK\x03\x04" + HTML)]})
    assert page.status_code == 200
    assert "Nội dung tệp “bien-ban.docx” không khớp với phần mở rộng .docx." in page.content.decode()
    assert not AssignmentEvidence.objects.exists()


def test_the_migration_moves_public_files_to_random_private_names(reported, settings, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    from django.apps import apps

    settings.MEDIA_ROOT = str(tmp_path / "media")

    move = importlib.import_module("coordination.migrations.0008_private_random_file_names").move_to_private_storage
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    attachment, evidence = reported["attachment"], reported["evidence"]
    # As before: original names under the public MEDIA_ROOT; one of them lost on disk.
    (media / "directives/2026/11").mkdir(parents=True)
    (media / "directives/2026/11/doc.pdf").write_bytes(PDF)
    DirectiveAttachment.objects.filter(pk=attachment.pk).update(file="directives/2026/11/doc.pdf")
    AssignmentEvidence.objects.filter(pk=evidence.pk).update(file="evidence/2026/11/mat-roi.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        move(apps, SimpleNamespace(connection=connection))
    attachment.refresh_from_db()
    evidence.refresh_from_db()
    assert re.fullmatch(r"directives/2026/11/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert (private / attachment.file.name).read_bytes() == PDF
    assert not (media / "directives/2026/11/doc.pdf").exists()
    assert evidence.file.name == "evidence/2026/11/mat-roi.jpg"  # missing: skipped, left as it was
    with django_capture_on_commit_callbacks(execute=True):
        move(apps, SimpleNamespace(connection=connection))  # again: nothing left to move
    assert DirectiveAttachment.objects.get(pk=attachment.pk).file.name == attachment.file.name
