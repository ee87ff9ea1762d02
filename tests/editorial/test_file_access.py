"""A bulletin's attachments and recordings are private until it is published: the working-copy URLs check who may
see the bulletin, the public URLs answer only for the published revision's attachments and its confirmed audio
(the public page and the feeds link there)."""

import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from editorial import selectors, services
from editorial.models import BulletinAttachment, BulletinAudio
from tests.editorial.helpers import PNG, approved, confirmed_recording, draft, fresh, recording, submit, u, upload

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def bulletin(demo):
    return draft(attachments=[upload("Ảnh lễ chào cờ.png", PNG)])


def private_urls(bulletin, audio):
    attachment = BulletinAttachment.objects.get(bulletin=bulletin)
    return {"attachment": (reverse("editorial:attachment_file", args=[bulletin.pk, attachment.pk]), PNG),
            "audio": (reverse("editorial:audio_file", args=[audio.pk]), audio.file.open("rb").read())}


def public_urls(bulletin, audio):
    attachment = BulletinAttachment.objects.get(bulletin=bulletin)
    return {"attachment": (reverse("editorial:published_attachment", args=[bulletin.pk, attachment.pk]), PNG),
            "audio": (reverse("editorial:published_audio", args=[bulletin.pk, audio.pk]),
                      audio.file.open("rb").read())}


def test_stored_names_are_random_and_private(bulletin, settings):
    attachment = BulletinAttachment.objects.get(bulletin=bulletin)
    assert re.fullmatch(rf"editorial/attachments/{bulletin.pk}/[0-9a-f]{{32}}\.png", attachment.file.name)
    assert attachment.name == "Ảnh lễ chào cờ.png"
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name).read_bytes() == PNG
    assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()


def test_before_publication_only_people_who_see_the_bulletin_get_its_files(bulletin, client):
    bulletin = approved(bulletin)
    audio = confirmed_recording(bulletin)
    for username in ("phongtt", "bientap1", "giamdoc", "truongban"):
        client.force_login(u(username))
        for kind, (url, content) in private_urls(bulletin, audio).items():
            response = client.get(url)
            assert response.status_code == 200, (kind, username)
            assert body(response) == content and response["X-Content-Type-Options"] == "nosniff"
            assert "no-store" in response["Cache-Control"]
    # A commune sees a bulletin once it is published to it; a division that did not draft it not before review.
    for username in ("phuong_phuc_xa", "xa_minh_phu"):
        client.force_login(u(username))
        for kind, (url, _content) in private_urls(bulletin, audio).items():
            assert client.get(url).status_code == 404, (kind, username)
    client.logout()
    for url, _content in private_urls(bulletin, audio).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # The public addresses do not answer before publication, not even for the author.
    for username in (None, "phongtt"):
        if username:
            client.force_login(u(username))
        for kind, (url, _content) in public_urls(bulletin, audio).items():
            assert client.get(url).status_code == 404, (kind, username)
    client.logout()
    assert client.get(f"/media/{audio.file.name}").status_code == 404
    assert client.get(f"/media/{BulletinAttachment.objects.get().file.name}").status_code == 404


def test_a_submitted_bulletin_is_not_visible_to_another_drafting_division(bulletin, client):
    services.bulletin_submit(bulletin=bulletin, user=u("phongtt"))
    audio = services.audio_upload(bulletin=fresh(bulletin), user=u("phongtt"), file=recording())
    client.force_login(u("truyenthong"))
    for kind, (url, _content) in private_urls(fresh(bulletin), audio).items():
        assert client.get(url).status_code == 404, kind


def test_published_attachments_and_confirmed_audio_are_public(bulletin, client):
    bulletin = approved(bulletin)
    other = services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=recording(1.0, "ban-thu-2.wav"))
    audio = confirmed_recording(bulletin)
    services.bulletin_sign_off(bulletin=fresh(bulletin), user=u("giamdoc"))
    services.bulletin_publish(bulletin=fresh(bulletin), user=u("vanphong"))
    bulletin = fresh(bulletin)
    assert selectors.confirmed_audio(bulletin.published_revision) == audio
    for kind, (url, content) in public_urls(bulletin, audio).items():
        response = client.get(url)  # anonymous: the portal, e-boards, IP loudspeakers
        assert response.status_code == 200, kind
        assert body(response) == content and response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"].startswith("public")
    assert client.get(public_urls(bulletin, audio)["audio"][0])["Content-Type"] == "audio/wav"
    page = client.get(reverse("editorial:published_detail", args=[bulletin.pk])).content.decode()
    for url, _content in public_urls(bulletin, audio).values():
        assert url in page
    assert "/media/" not in page
    # Only the confirmed recording of the published revision is public: not another take of it.
    assert client.get(reverse("editorial:published_audio", args=[bulletin.pk, other.pk])).status_code == 404
    assert client.get(reverse("editorial:audio_file", args=[other.pk])).status_code == 302
    # The JSON feed points at the public address, which answers an anonymous client.
    [item] = client.get("/editorial/feeds/json/").json()["items"]
    assert body(client.get(item["_ttcs"]["audio_url"].removeprefix("http://testserver"))) == audio.file.open(
        "rb").read()


def test_a_file_whose_content_is_not_its_extension_is_refused(demo):
    with pytest.raises(ValidationError) as refused:
        draft(attachments=[upload("anh.png", HTML)])
    assert refused.value.message_dict["attachments"] == ["Nội dung tệp “anh.png” không khớp với phần mở rộng .png."]
    with pytest.raises(ValidationError, match="không thuộc loại được phép"):
        draft(attachments=[upload("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")])
    assert not BulletinAttachment.objects.exists()


def test_the_migration_moves_public_files_to_the_private_storage(bulletin, settings,
                                                                 django_capture_on_commit_callbacks):
    from django.apps import apps

    move = importlib.import_module("editorial.migrations.0007_private_file_storage").move_to_private_storage
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    submit(bulletin)
    audio = services.audio_upload(bulletin=fresh(bulletin), user=u("phongtt"), file=recording())
    attachment = BulletinAttachment.objects.get(bulletin=bulletin)
    # As before: under the public MEDIA_ROOT, the recording with a guessable name.
    wav = (private / audio.file.name).read_bytes()
    (private / audio.file.name).unlink()
    (media / attachment.file.name).parent.mkdir(parents=True)
    (private / attachment.file.name).rename(media / attachment.file.name)
    old_audio = f"editorial/audio/{bulletin.pk}/r1-{audio.pk}.wav"
    (media / old_audio).parent.mkdir(parents=True, exist_ok=True)
    (media / old_audio).write_bytes(wav)
    BulletinAudio.objects.filter(pk=audio.pk).update(file=old_audio)
    with django_capture_on_commit_callbacks(execute=True):
        move(apps, SimpleNamespace(connection=connection))
    audio.refresh_from_db()
    assert re.fullmatch(rf"editorial/audio/{bulletin.pk}/r1-{audio.pk}-[0-9a-f]{{32}}\.wav", audio.file.name)
    assert (private / audio.file.name).read_bytes() == wav and not (media / old_audio).exists()
    assert BulletinAttachment.objects.get(pk=attachment.pk).file.name == attachment.file.name  # quoted by revisions
    assert (private / attachment.file.name).read_bytes() == PNG and not (media / attachment.file.name).exists()


@pytest.fixture
def nginx_backend(settings):
    from django_sendfile.utils import _get_sendfile

    settings.SENDFILE_BACKEND, settings.SENDFILE_URL = "django_sendfile.backends.nginx", "/protected-files"
    _get_sendfile.cache_clear()
    yield
    _get_sendfile.cache_clear()


def test_in_production_the_proxy_sends_the_file(bulletin, client, nginx_backend):
    """SENDFILE_BACKEND=nginx: Django checks the permission and answers with an internal redirect, no bytes."""
    attachment = BulletinAttachment.objects.get(bulletin=bulletin)
    client.force_login(u("phongtt"))
    response = client.get(reverse("editorial:attachment_file", args=[bulletin.pk, attachment.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-files/{attachment.file.name}"
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    client.force_login(u("xa_minh_phu"))
    refused = client.get(reverse("editorial:attachment_file", args=[bulletin.pk, attachment.pk]))
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_the_admin_links_recordings_to_the_download_view(bulletin, client):
    submit(bulletin)
    audio = services.audio_upload(bulletin=fresh(bulletin), user=u("phongtt"), file=recording())
    client.force_login(u("admin"))
    page = client.get(reverse("admin:editorial_bulletinaudio_change", args=[audio.pk]))
    assert page.status_code == 200
    assert reverse("editorial:audio_file", args=[audio.pk]) in page.content.decode()
    assert client.get(reverse("editorial:audio_file", args=[audio.pk])).status_code == 200
