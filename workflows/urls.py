from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import pages, reporting_views

urlpatterns = [
    path("assignments/<id:pk>/officer/", pages.assignment_officer, name="assignment_officer"),
    path("tasks/<id:task_pk>/claim/", pages.task_claim_and_open, name="task_claim"),
    path("bulletins/<id:pk>/submit/", pages.bulletin_submit, name="bulletin_submit"),
    path("bulletins/<id:pk>/withdraw/", pages.bulletin_withdraw, name="bulletin_withdraw"),
    path("bulletins/<id:pk>/correct/", pages.bulletin_correct, name="bulletin_correct"),
    path("bulletins/<id:pk>/unschedule/", pages.bulletin_unschedule, name="bulletin_unschedule"),
    path("queue/", pages.unit_queue_bulk, name="unit_queue_bulk"),
    path("directives/new/", pages.directive_create, name="directive_create"),
    path("directives/<id:pk>/cancel/", pages.directive_cancel, name="directive_cancel"),
    path("assignments/<id:pk>/relay/", pages.assignment_relay, name="assignment_relay"),
    path("assignments/<id:pk>/cancel/", pages.assignment_cancel, name="assignment_cancel"),
    path("reports/open/", reporting_views.period_open, name="report_period_open"),
    path("reports/<id:pk>/finish/", reporting_views.period_finish, name="report_period_finish"),
    path("reports/assignments/<id:pk>/reopen/", reporting_views.report_reopen, name="report_reopen"),
]
