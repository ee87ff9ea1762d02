from django.urls import path

from . import views

urlpatterns = [
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/progress/", views.directive_fanout_progress, name="directive_progress"),
    path("directives/<int:pk>/export.xlsx", views.directive_export, name="directive_export"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
]
