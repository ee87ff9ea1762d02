from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("export.xlsx", views.dashboard_export, name="export"),
    path("map/", views.unit_map, name="map"),
]

# The air-schedule calendar, its own app in the shell (/dashboard/calendar/): commune and district officers open
# it too, the dashboard's app is for managers only (config/urls.py).
calendar_urlpatterns = [
    path("", views.air_calendar, name="week"),
    path("export.ics", views.air_calendar_export, name="export"),
    path("bulletin/<int:pk>/", views.bulletin_air_calendar, name="bulletin"),
]
