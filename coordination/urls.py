from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from . import views

urlpatterns = [
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<id:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<id:pk>/progress/", views.directive_fanout_progress, name="directive_progress"),
    path("directives/<id:pk>/export.xlsx", views.directive_export, name="directive_export"),
    path("directives/<id:pk>/attachments/<id:attachment_pk>/", views.directive_attachment_file,
         name="directive_attachment_file"),
    path("assignments/<id:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<id:pk>/evidence/<id:evidence_pk>/", views.evidence_file, name="evidence_file"),
]
