"""The directive flows' pages, mounted inside their flows' apps (workflows/viewsets.py): `directive:…` for
issuers, `unitassignment:…` for the units."""

from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from ..broadcast import pages as broadcast_pages
from . import pages

directive_urlpatterns = [
    path("new/", pages.directive_create, name="create"),
    path("directives/<id:pk>/cancel/", pages.directive_cancel, name="cancel"),
    path("directives/<id:pk>/board/", broadcast_pages.board_page, name="board"),
    path("boards/", broadcast_pages.boards_page, name="boards"),
]

assignment_urlpatterns = [
    path("queue/bulk/", pages.unit_queue_bulk, name="queue_bulk"),
    path("assignments/<id:pk>/relay/", pages.assignment_relay, name="relay"),
    path("assignments/<id:pk>/officer/", pages.assignment_officer, name="officer"),
    path("assignments/<id:pk>/cancel/", pages.assignment_cancel, name="cancel"),
]
