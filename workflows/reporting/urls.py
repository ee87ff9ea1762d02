"""A periodic report's flow pages, mounted inside the flows' apps (workflows/viewsets.py): opening and
finishing a period with the directive flow (`directive:period_open`…), sending a commune's report back with
the units' flow (`unitassignment:report_send_back`)."""

from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import pages

directive_urlpatterns = [
    path("reports/open/", pages.period_open, name="period_open"),
    path("reports/<id:pk>/finish/", pages.period_finish, name="period_finish"),
]

assignment_urlpatterns = [
    path("reports/assignments/<id:pk>/send-back/", pages.report_send_back, name="report_send_back"),
]
