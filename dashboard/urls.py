from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("export.xlsx", views.dashboard_export, name="export"),
    path("map/", views.unit_map, name="map"),
]
