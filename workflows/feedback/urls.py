"""Feedback pages: `feedback:…` inside the flow's app (workflows/viewsets.py), `feedback_public:…` at /phan-anh/
without an account (config/urls.py)."""

from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter)

from . import pages

urlpatterns = [
    path("items/<id:pk>/", pages.item_page, name="item"),
    path("items/<id:pk>/files/<id:attachment_pk>/", pages.attachment_download, name="attachment"),
]

public_urlpatterns = [
    path("theo-doi/", pages.public_track, name="track_lookup"),
    path("theo-doi/<str:code>/", pages.public_track, name="track"),
    path("<slug:codename>/", pages.public_form, name="form"),
]
