"""The notification pages as an application of the viewflow shell, so they get its drawer menu and theme.
Mount it in the Site's viewsets (config/urls.py) instead of `include("notifications.urls")`: the URLs and their
names (`notifications:list`, …) stay the same. Every view checks the login itself (the JSON endpoints answer 401,
not a redirect), so the application lets everyone through."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application
from viewflow.utils import Icon

from . import urls, views


class NotificationsApp(Application):
    title = _("Thông báo")
    icon = Icon("notifications")
    app_name = "notifications"
    menu_template_name = "notifications/app_menu.html"
    urlpatterns = urls.urlpatterns

    @property
    def index_path(self):
        return path("", views.NotificationListView.as_view(), name="index")
