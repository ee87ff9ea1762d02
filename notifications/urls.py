from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("api/since/", views.since_api, name="api-since"),
    path("api/read/", views.read_api, name="api-read"),
]
