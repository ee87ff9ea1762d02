"""The inbox's pages, mounted as the `work` app (workflows/viewsets.py) at /hop-viec/."""

from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import inbox_pages

urlpatterns = [
    path("", inbox_pages.inbox_page, name="inbox"),
    path("counts/", inbox_pages.inbox_counts, name="counts"),
    path("tasks/<id:task_pk>/", inbox_pages.task_open, name="task_open"),
    path("tasks/<id:task_pk>/claim/", inbox_pages.task_claim, name="task_claim"),
    path("directives/<id:pk>/", inbox_pages.directive_open, name="directive_open"),
    path("assignments/<id:pk>/", inbox_pages.assignment_open, name="assignment_open"),
]
