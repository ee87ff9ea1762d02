from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import feeds, views

app_name = "editorial"
urlpatterns = [
    path("", views.bulletin_list, name="bulletin_list"),
    path("new/", views.bulletin_create, name="bulletin_create"),
    path("<id:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("<id:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("<id:pk>/revisions/<id:number>/comments/", views.comment_add, name="comment_add"),
    path("<id:pk>/attachments/<id:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("<id:pk>/attachments/<id:attachment_pk>/file/", views.attachment_file, name="attachment_file"),
    path("<id:pk>/audio/", views.audio_request, name="audio_request"),
    path("<id:pk>/audio/upload/", views.audio_upload, name="audio_upload"),
    path("audio/<id:audio_pk>/status/", views.audio_status, name="audio_status"),
    path("audio/<id:audio_pk>/confirm/", views.audio_confirm, name="audio_confirm"),
    path("audio/<id:audio_pk>/file/", views.audio_file, name="audio_file"),
    path("plan/", views.plan_coverage, name="plan_coverage"),
    # Public: what the portal, the source system and propagandists read.
    path("published/", views.published_list, name="published_list"),
    path("published/<id:pk>/", views.published_detail, name="published_detail"),
    path("published/<id:pk>/audio/<id:audio_pk>.wav", views.published_audio_file, name="published_audio"),
    path("published/<id:pk>/attachments/<id:attachment_id>/", views.published_attachment_file,
         name="published_attachment"),
    path("feeds/rss/", feeds.PublishedBulletinsRss(), name="feed_rss"),
    path("feeds/atom/", feeds.PublishedBulletinsAtom(), name="feed_atom"),
    path("feeds/json/", feeds.json_feed, name="feed_json"),
]
