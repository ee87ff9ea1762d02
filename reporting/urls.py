"""Periodic report pages (namespace `reporting`), mounted at /coordination/reports/ (config/urls.py), where
they were when reporting was part of coordination."""

from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import views

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("<id:pk>/", views.period_detail, name="period_detail"),
    path("<id:pk>/completeness/", views.period_completeness, name="completeness"),
    path("<id:pk>/units/<id:unit_pk>/", views.unit_report, name="unit_report"),
    path("<id:pk>/export.xlsx", views.period_export_xlsx, name="export_xlsx"),
    path("<id:pk>/export.csv", views.period_export_csv, name="export_csv"),
]
