from django.urls import path

from . import pages

urlpatterns = [
    path("coordination/queue/", pages.unit_queue_bulk, name="unit_queue_bulk"),
    path("coordination/directives/new/", pages.directive_create, name="directive_create"),
    path("coordination/directives/<int:pk>/cancel/", pages.directive_cancel, name="directive_cancel"),
    path("coordination/assignments/<int:pk>/relay/", pages.assignment_relay, name="assignment_relay"),
    path("coordination/assignments/<int:pk>/cancel/", pages.assignment_cancel, name="assignment_cancel"),
]
