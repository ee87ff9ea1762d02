"""Channels that readers pull: RSS 2.0 / Atom for the Department portal's TTCS section, and a JSON Feed 1.1 for
the city source information system and IP loudspeakers (priority, air window, audio). Both carry each
bulletin's published revision, so a correction under review never leaks before it is published again."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import Bulletin, BulletinRevision, Priority
from .richtext import html_to_text
from .selectors import published_bulletins

FEED_TITLE = _("Bản tin thông tin cơ sở — Sở Văn hóa và Thể thao Hà Nội")
FEED_DESCRIPTION = _("Các bản tin đã được Ban biên tập duyệt và Lãnh đạo Sở ký duyệt, để đăng và phát lại trên hệ "
                     "thống thông tin cơ sở.")
FEED_SIZE = 50
JSON_FEED_MAX = 200


def _audio(bulletin: Bulletin):
    audios = getattr(bulletin.published_revision, "confirmed_audios", None) or []
    return audios[0] if audios else None


def published_audio_url(bulletin: Bulletin, audio) -> str:
    """The public address of a published bulletin's recording (files have no public URL of their own)."""
    return reverse("editorial:published_audio", args=[bulletin.pk, audio.pk])


def _file_size(field) -> int | None:
    try:
        return field.size
    except (OSError, ValueError):
        return None


class PublishedBulletinsRss(Feed):
    title = FEED_TITLE
    description = FEED_DESCRIPTION

    def get_object(self, request: HttpRequest, *args, **kwargs) -> HttpRequest:
        # The request is the feed's "object": absolute audio URLs need it, and the Feed instance is shared.
        return request

    def link(self, obj) -> str:
        return reverse("editorial:published_list")

    def items(self, request: HttpRequest) -> list[Bulletin]:
        items = list(published_bulletins(limit=FEED_SIZE))
        for item in items:
            audio = _audio(item)
            item.feed_audio = audio
            item.feed_audio_url = request.build_absolute_uri(published_audio_url(item, audio)) if audio else None
        return items

    def item_title(self, item: Bulletin) -> str:
        revision: BulletinRevision = item.published_revision
        prefix = "" if revision.priority == Priority.NORMAL else f"[{Priority(revision.priority).label}] "
        return prefix + revision.title

    def item_description(self, item: Bulletin) -> str:
        revision = item.published_revision
        summary = f"<p><em>{escape(revision.summary)}</em></p>" if revision.summary else ""
        return summary + revision.body

    def item_link(self, item: Bulletin) -> str:
        return reverse("editorial:published_detail", args=[item.pk])

    def item_pubdate(self, item: Bulletin):
        return item.first_published_at

    def item_updateddate(self, item: Bulletin):
        return item.published_at

    def item_author_name(self, item: Bulletin) -> str:
        return item.drafting_unit.name

    def item_categories(self, item: Bulletin) -> list[str]:
        revision = item.published_revision
        categories = [str(Priority(revision.priority).label)]
        if revision.plan_topic_id:
            categories.append(revision.plan_topic.title)
        return categories

    def item_enclosures(self, item: Bulletin) -> list[Enclosure]:
        if not item.feed_audio_url:
            return []
        return [Enclosure(item.feed_audio_url, str(_file_size(item.feed_audio.file) or 0), "audio/wav")]


class PublishedBulletinsAtom(PublishedBulletinsRss):
    feed_type = Atom1Feed
    subtitle = FEED_DESCRIPTION


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def json_feed(request: HttpRequest) -> JsonResponse:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) with a `_ttcs` extension per item. `?unit=<code>` keeps
    the bulletins addressed to one unit; `?limit=` up to 200."""
    try:
        limit = max(1, min(int(request.GET.get("limit", FEED_SIZE)), JSON_FEED_MAX))
    except ValueError:
        limit = FEED_SIZE
    unit = (request.GET.get("unit") or "").strip() or None
    items = []
    for bulletin in published_bulletins(limit=limit, unit_code=unit):
        revision = bulletin.published_revision
        audio = _audio(bulletin)
        audio_url = request.build_absolute_uri(published_audio_url(bulletin, audio)) if audio else None
        item = {
            "id": f"ttcs-bulletin-{bulletin.pk}",
            "url": request.build_absolute_uri(reverse("editorial:published_detail", args=[bulletin.pk])),
            "title": revision.title,
            "content_html": revision.body,
            "content_text": html_to_text(revision.body),
            "summary": revision.summary,
            "date_published": _iso(bulletin.first_published_at),
            "date_modified": _iso(bulletin.published_at),
            "authors": [{"name": bulletin.drafting_unit.name}],
            "language": "vi",
            "tags": [str(Priority(revision.priority).label)] + (
                [revision.plan_topic.title] if revision.plan_topic_id else []),
            "_ttcs": {
                "about": "Thông tin cho hệ thống thông tin nguồn và cụm loa CNTT-VT",
                "revision": revision.number,
                "is_correction": revision.kind == BulletinRevision.Kind.CORRECTION,
                "priority": revision.priority,
                "priority_label": str(Priority(revision.priority).label),
                "air_from": _iso(revision.air_from),
                "air_until": _iso(revision.air_until),
                "estimated_air_seconds": revision.estimated_air_seconds,
                "audio_url": audio_url,
                "audio_duration_seconds": audio.duration_seconds if audio else None,
                "plan_topic": revision.plan_topic.number if revision.plan_topic_id else None,
                "targets": [{"code": u.code, "structure": u.structure} for u in bulletin.target_unit_list],
            },
        }
        if audio:
            item["attachments"] = [{"url": audio_url, "mime_type": "audio/wav", "title": str(_("Âm thanh bản tin")),
                                    "size_in_bytes": _file_size(audio.file),
                                    "duration_in_seconds": audio.duration_seconds}]
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": str(FEED_TITLE),
        "description": str(FEED_DESCRIPTION),
        "home_page_url": request.build_absolute_uri(reverse("editorial:published_list")),
        "feed_url": request.build_absolute_uri(request.get_full_path()),
        "language": "vi",
        "items": items,
    }
    return JsonResponse(feed, content_type="application/feed+json; charset=utf-8",
                        json_dumps_params={"ensure_ascii": False})
