"""The restore drill, on whichever database the suite runs (SQLite in `make test`, PostgreSQL in CI's second run):
a demo with a published bulletin (its recording, its broadcast directive and assignments, notifications), report
evidence, a reporting period; back up; wipe the database and the files; restore; every count and checksum is the
same and every file is downloadable by the same people as before, and by nobody else."""

import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from coordination.models import Assignment, AssignmentEvidence
from editorial.models import BulletinAudio
from notifications.models import Notification
from ops.backup import BackupError, backup, restore, state
from org.models import Membership, User
from reporting.models import PeriodKind, ReportingPeriod
from tests.editorial.helpers import communes
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.test_reorganise import _period

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "logo.txt").write_bytes(b"public file")
    settings.ZALO_SENDER = ""
    return tmp_path


def _officer(unit):
    return Membership.objects.filter(unit=unit).select_related("user").first().user


def test_a_backup_restores_to_the_same_counts_files_and_access(demo_transactional, folders, client,
                                                               django_capture_on_commit_callbacks, settings):
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks,
                                             target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))
    assignment = Assignment.objects.filter(directive=directive).select_related("unit").first()
    officer = _officer(assignment.unit)
    evidence = AssignmentEvidence.objects.create(assignment=assignment, name="anh-phat-song.jpg",
                                                 file=ContentFile(b"\xff\xd8 anh", name="anh.jpg"), uploaded_by=officer)
    _period(User.objects.get(username="phongtt"), kind=PeriodKind.HALF_YEAR, year=2025,
            status=ReportingPeriod.Status.CLOSED, reports={"00001": ("accepted", "accepted", {"clusters_total": 3})})
    assert BulletinAudio.objects.filter(revision__bulletin=bulletin, file__gt="").exists()
    assert Notification.objects.exists()
    before = state()
    assert sum(len(f) for f in before["files"].values()) >= 3  # the recording, the evidence, the public file

    archive = backup(folders / "backups")
    with pytest.raises(BackupError, match="không trống"):
        restore(archive)  # into the live database: refused

    call_command("flush", interactive=False, verbosity=0)
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(root)
    assert not User.objects.exists()

    report = restore(archive)
    assert report.ok, report.differences
    after = state()
    assert after["counts"] == before["counts"] and after["files"] == before["files"]

    url = reverse("coordination:evidence_file", args=[assignment.pk, evidence.pk])
    client.force_login(User.objects.get(pk=officer.pk))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == b"\xff\xd8 anh"
    client.force_login(User.objects.get(username="phuong_trang_tien"))  # a commune it was not sent to
    assert client.get(url).status_code == 404


def test_the_commands_say_what_they_did(demo_transactional, folders, capsys, settings):
    call_command("backup", str(folders / "b"))
    out = capsys.readouterr().out
    assert out.startswith("Đã sao lưu: ")
    archive = out.split(": ", 1)[1].split(" (")[0]
    with pytest.raises(Exception, match="không trống"):
        call_command("restore", archive)
    call_command("restore", archive, "--force")
    assert "Đã khôi phục và kiểm tra" in capsys.readouterr().out
