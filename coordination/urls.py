from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import reporting_views, views

urlpatterns = [
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<id:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<id:pk>/progress/", views.directive_fanout_progress, name="directive_progress"),
    path("directives/<id:pk>/export.xlsx", views.directive_export, name="directive_export"),
    path("directives/<id:pk>/attachments/<id:attachment_pk>/", views.directive_attachment_file,
         name="directive_attachment_file"),
    path("assignments/<id:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<id:pk>/evidence/<id:evidence_pk>/", views.evidence_file, name="evidence_file"),
    path("reports/", reporting_views.period_list, name="report_periods"),
    path("reports/<id:pk>/", reporting_views.period_detail, name="report_period"),
    path("reports/<id:pk>/completeness/", reporting_views.period_completeness, name="report_completeness"),
    path("reports/<id:pk>/units/<id:unit_pk>/", reporting_views.unit_report, name="report_unit"),
    path("reports/<id:pk>/export.xlsx", reporting_views.period_export_xlsx, name="report_export_xlsx"),
    path("reports/<id:pk>/export.csv", reporting_views.period_export_csv, name="report_export_csv"),
]
