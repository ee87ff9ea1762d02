from django.urls import path

from . import pages, reporting_views

urlpatterns = [
    path("assignments/<int:pk>/officer/", pages.assignment_officer, name="assignment_officer"),
    path("tasks/<int:task_pk>/claim/", pages.task_claim_and_open, name="task_claim"),
    path("bulletins/<int:pk>/submit/", pages.bulletin_submit, name="bulletin_submit"),
    path("bulletins/<int:pk>/withdraw/", pages.bulletin_withdraw, name="bulletin_withdraw"),
    path("bulletins/<int:pk>/correct/", pages.bulletin_correct, name="bulletin_correct"),
    path("bulletins/<int:pk>/unschedule/", pages.bulletin_unschedule, name="bulletin_unschedule"),
    path("queue/", pages.unit_queue_bulk, name="unit_queue_bulk"),
    path("directives/new/", pages.directive_create, name="directive_create"),
    path("directives/<int:pk>/cancel/", pages.directive_cancel, name="directive_cancel"),
    path("assignments/<int:pk>/relay/", pages.assignment_relay, name="assignment_relay"),
    path("assignments/<int:pk>/cancel/", pages.assignment_cancel, name="assignment_cancel"),
    path("reports/open/", reporting_views.period_open, name="report_period_open"),
    path("reports/<int:pk>/finish/", reporting_views.period_finish, name="report_period_finish"),
    path("reports/assignments/<int:pk>/reopen/", reporting_views.report_reopen, name="report_reopen"),
]
