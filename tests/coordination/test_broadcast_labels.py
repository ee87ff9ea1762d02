"""A broadcast confirmation reads as names and a local dd/mm/yyyy HH:MM, not as codes and an ISO date."""

from coordination.templatetags.coordination_tags import channel_labels, local_datetime


def test_channel_codes_read_as_their_names():
    assert channel_labels(["loudspeaker", "zalo"]) == "Đài truyền thanh cơ sở, Trang Zalo OA TTCS"
    assert channel_labels(["unknown"]) == "unknown" and channel_labels(None) == ""


def test_an_iso_moment_reads_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    assert local_datetime("2026-12-02T12:50:00+07:00") == "02/12/2026 12:50"
    assert local_datetime("2026-12-02T05:50:00+00:00") == "02/12/2026 12:50"
    assert local_datetime("") == "" and local_datetime("không rõ") == "không rõ"
