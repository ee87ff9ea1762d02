"""JSON feed benchmark: N published bulletins, each addressed to every commune of the 2025 structure (526), read
by the source information system. Our feed (selectors.published_bulletins: a fixed number of queries) against a
naive loop that reads each bulletin's revision, audio and target units one by one, measured in the same run on a
fresh test database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/editorial_feed.py --bulletins 200
The last line is one JSON object: bulletins, targets, feed_s, feed_queries, naive_s, naive_queries, ratio, db."""

import argparse
import io
import json
import os
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HUEY_IMMEDIATE"] = "1"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="ttcs-bench-media-"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="ttcs-bench-private-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, get_runner  # noqa: E402
from django.urls import reverse  # noqa: E402


def _recording() -> SimpleUploadedFile:
    """One second of silence as an uploaded WAV (bench keeps its own fixtures: it imports nothing from tests)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setparams((1, 2, 8000, 8000, "NONE", "not compressed"))
        out.writeframes(bytes(16000))
    return SimpleUploadedFile("ban-thu.wav", buffer.getvalue(), content_type="audio/wav")


def publish_many(n: int) -> int:
    """Through the real services, the way BulletinFlow drives them."""
    from config.demo import seed_demo
    from editorial import services
    from editorial.models import BulletinTarget, PlanTopic
    from org.models import Unit, User

    seed_demo("2025")
    users = {u.username: u for u in User.objects.filter(
        username__in=["phongtt", "truongban", "bientap1", "giamdoc", "vanphong"])}
    division = Unit.objects.get(code="SVHTT-TTBCXB")
    topics = list(PlanTopic.objects.filter(year=2025).order_by("number"))
    for i in range(n):
        bulletin = services.bulletin_create(
            user=users["phongtt"], drafting_unit=division, title=f"Bản tin thử số {i}", plan_topic=topics[i % 32],
            body="<p>UBND TP. Hà Nội thông báo lịch tuyên truyền ngày 2/9/2025 trên hệ thống loa.</p>" * 3,
            target_spec={"sets": ["all_communes"], "structure": "2025"}, priority="priority" if i % 5 else "normal")
        services.bulletin_submit(bulletin=bulletin, user=users["phongtt"])
        services.reviewers_set(bulletin=bulletin, reviewers=[users["bientap1"]], user=users["truongban"])
        services.review_record(bulletin=bulletin, reviewer=users["bientap1"], decision="approve")
        services.bulletin_mark_approved(bulletin=bulletin)
        audio = services.audio_upload(bulletin=bulletin, user=users["phongtt"], file=_recording())
        services.audio_confirm(audio=audio, user=users["phongtt"])
        services.bulletin_sign_off(bulletin=bulletin, user=users["giamdoc"])
        services.bulletin_publish(bulletin=bulletin, user=users["vanphong"])
    return BulletinTarget.objects.count()


def naive_feed(n: int) -> list[dict]:
    """What a first version would write: one query per related object per bulletin."""
    from editorial.models import Bulletin, BulletinAudio

    items = []
    for bulletin in Bulletin.objects.filter(published_revision__isnull=False).order_by("-published_at")[:n]:
        revision = bulletin.published_revision
        audio = BulletinAudio.objects.filter(revision=revision, confirmed_at__isnull=False,
                                             voided_at__isnull=True).first()
        items.append({
            "id": bulletin.pk, "title": revision.title, "content_html": revision.body,
            "author": bulletin.drafting_unit.name, "topic": revision.plan_topic.title if revision.plan_topic else None,
            "audio_url": reverse("editorial:published_audio", args=[bulletin.pk, audio.pk]) if audio else None,
            "targets": [u.code for u in bulletin.target_units.order_by("path")],
        })
    return items


def timed(fn):
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    return result, seconds, len(ctx.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulletins", type=int, default=200)
    args = parser.parse_args()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        targets = publish_many(args.bulletins)
        client = Client()
        response, feed_s, feed_queries = timed(lambda: client.get(f"/editorial/feeds/json/?limit={args.bulletins}"))
        assert response.status_code == 200
        assert len(json.loads(response.content)["items"]) == args.bulletins
        items, naive_s, naive_queries = timed(lambda: naive_feed(args.bulletins))
        assert len(items) == args.bulletins
    finally:
        runner.teardown_databases(old)
    db = connection.vendor
    ratio = naive_s / feed_s if feed_s else 0
    print(f"{'method':<34}{'bulletins':>10}{'queries':>9}{'seconds':>9}")
    print(f"{'JSON feed (prefetched selector)':<34}{args.bulletins:>10}{feed_queries:>9}{feed_s:>9.3f}")
    print(f"{'naive per-bulletin reads':<34}{args.bulletins:>10}{naive_queries:>9}{naive_s:>9.3f}")
    print(f"target rows: {targets}; ratio naive/feed: {ratio:.1f}x on {db} "
          "(the feed also serialises JSON over HTTP; the naive loop does not)")
    print(json.dumps({"bulletins": args.bulletins, "targets": targets, "feed_s": round(feed_s, 3),
                      "feed_queries": feed_queries, "naive_s": round(naive_s, 3), "naive_queries": naive_queries,
                      "ratio": round(ratio, 2), "db": db}))


if __name__ == "__main__":
    main()
