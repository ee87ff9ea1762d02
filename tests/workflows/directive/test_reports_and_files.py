"""What the unit's report must contain follows the directive; files are kept, bad files refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import Assignment, AssignmentEvidence, DirectiveAttachment, Urgency
from org.models import Unit
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, open_task, unit
from workflows.directive import services as directive_services
from workflows.directive.flow import UnitAssignmentFlow


@pytest.fixture
def broadcast_directive(demo, user, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        directive = directive_services.directive_start(
            user=user("phongtt"), issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title="Phát bản tin bão",
            instructions="<p>Phát ngay</p>", urgency=Urgency.objects.get(code="hoa_toc"),
            target_spec={"units": [unit("phuong_phuc_xa").pk]}, report_requirements=["broadcast", "files"],
            attachments=[SimpleUploadedFile("ban-tin.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
        )
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    return directive


def test_attachment_kept_and_shown(broadcast_directive, user, client):
    assert DirectiveAttachment.objects.get(directive=broadcast_directive).name == "ban-tin.pdf"
    client.force_login(user("phuong_phuc_xa"))
    assert "ban-tin.pdf" in client.get(f"/coordination/directives/{broadcast_directive.pk}/").content.decode()


def test_broadcast_confirmation_with_evidence_through_the_page(broadcast_directive, user, client):
    a = assignment_of(broadcast_directive, "phuong_phuc_xa")
    officer = user("phuong_phuc_xa")
    acknowledge(a, officer)
    task = open_task(a, UnitAssignmentFlow.report)
    url = f"/unitassignment/{task.process_id}/report/{task.pk}/execute/"
    client.force_login(officer)
    page = client.post(url, {"text": "", "repetitions": "0"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hãy chọn kênh đã phát." in html and "Hãy đính kèm tệp minh chứng." in html
    assert "Số lần phát phải từ 1 trở lên." in html
    bad = client.post(url, {"channels": ["loudspeaker"], "aired_at": "27/11/2026 07:00", "repetitions": "3",
                            "files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert "không thuộc loại được phép" in bad.content.decode()
    ok = client.post(url, {"channels": ["loudspeaker", "zalo"], "aired_at": "27/11/2026 07:00", "repetitions": "3",
                           "files": [SimpleUploadedFile("anh-chup.jpg", b"\xff\xd8\xff")]})
    assert ok.status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.REPORTED
    assert a.report_figures["broadcast"]["channels"] == ["loudspeaker", "zalo"]
    assert a.report_figures["broadcast"]["repetitions"] == 3
    assert AssignmentEvidence.objects.filter(assignment=a, name="anh-chup.jpg").exists()
