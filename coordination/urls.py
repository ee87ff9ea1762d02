from django.urls import path

from . import reporting_views, views

urlpatterns = [
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/progress/", views.directive_fanout_progress, name="directive_progress"),
    path("directives/<int:pk>/export.xlsx", views.directive_export, name="directive_export"),
    path("directives/<int:pk>/attachments/<int:attachment_pk>/", views.directive_attachment_file,
         name="directive_attachment_file"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
    path("reports/", reporting_views.period_list, name="report_periods"),
    path("reports/<int:pk>/", reporting_views.period_detail, name="report_period"),
    path("reports/<int:pk>/completeness/", reporting_views.period_completeness, name="report_completeness"),
    path("reports/<int:pk>/units/<int:unit_pk>/", reporting_views.unit_report, name="report_unit"),
    path("reports/<int:pk>/export.xlsx", reporting_views.period_export_xlsx, name="report_export_xlsx"),
    path("reports/<int:pk>/export.csv", reporting_views.period_export_csv, name="report_export_csv"),
]
