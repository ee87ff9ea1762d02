import pytest


@pytest.fixture(autouse=True)
def editorial_media(settings, tmp_path):
    """Uploaded files and rendered audio go to a per-test directory; Zalo is unconfigured unless a test says."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""
    settings.ZALO_OA_ACCESS_TOKEN = ""
    settings.ZALO_OUTBOX_DIR = str(tmp_path / "zalo")
    return tmp_path
