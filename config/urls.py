from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site, route
from viewflow.utils import Icon

from api import urls as api_urls
from coordination import urls as coordination_urls
from dashboard import urls as dashboard_urls
from dashboard.access import may_see_dashboard, may_use_air_calendar
from editorial.viewsets import EditorialApp
from notifications.viewsets import NotificationsApp
from ops import admin_views as ops_admin
from ops import views as ops_views
from org.viewsets import OrgApp
from reporting.viewsets import ReportingApp
from workflows.admin_views import reorganise_page
from workflows.feedback.urls import public_urlpatterns as feedback_public_urls
from workflows.outreach import urls as outreach_urls
from workflows.viewsets import WorkApp, flow_apps

from .views import HomeView

admin.site.site_header = "Hệ thống thông tin cơ sở Hà Nội"
admin.site.site_title = "Quản trị TTCS"
admin.site.index_title = "Quản trị hệ thống"


class AirCalendarApp(Application):
    """The air-schedule calendar (/dashboard/calendar/): a unit's week, its iCalendar export, a bulletin across
    units. Its own app because commune and district officers open it as well as the managers."""

    title = "Lịch phát sóng"
    icon = Icon("calendar_month")
    app_name = "air_calendar"
    menu_template_name = "dashboard/calendar_menu.html"
    urlpatterns = dashboard_urls.calendar_urlpatterns

    def has_view_permission(self, user, obj=None):
        return not user.is_authenticated or may_use_air_calendar(user)


class TTCSSite(Site):
    """Viewflow's Material shell; its index is our per-role home page instead of a redirect."""

    title = "TTCS Hà Nội"
    icon = Icon("campaign")  # its colours are in static/ttcs/theme.css (viewflow would inline them in a <style>)

    @property
    def index_path(self):
        return path("", HomeView.as_view(viewset=self), name="index")

    # Periodic reports keep the paths they had as part of coordination (bookmarks, links sent before).
    reporting_path = route("coordination/reports/", ReportingApp())
    work_path = route("hop-viec/", WorkApp())
    air_calendar_path = route("dashboard/calendar/", AirCalendarApp())


class CoordinationApp(Application):
    """Directive, assignment and queue pages, mounted inside the shell so they get its menu."""

    title = "Điều phối"
    icon = Icon("hub")
    app_name = "coordination"
    menu_template_name = "coordination/app_menu.html"
    urlpatterns = coordination_urls.urlpatterns


class DashboardApp(Application):
    """The managers' dashboard and map (/dashboard/)."""

    title = "Bảng điều hành"
    icon = Icon("insights")
    app_name = "dashboard"
    menu_template_name = "dashboard/app_menu.html"
    urlpatterns = dashboard_urls.urlpatterns

    def has_view_permission(self, user, obj=None):
        # the anonymous go on to the login page; the views check again (403 for the others)
        return not user.is_authenticated or may_see_dashboard(user)


site = TTCSSite(viewsets=[DashboardApp(), CoordinationApp(), EditorialApp(), *flow_apps(), NotificationsApp(),
                          OrgApp()])

urlpatterns = [
    path("accounts/", AuthViewset(with_profile_view=False, allow_password_change=True).urls),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("admin/ops/failed/", ops_admin.failed_work_page, name="failed_work"),
    path("admin/org/reorganise/", reorganise_page, name="reorganise"),
    path("admin/", admin.site.urls),
    path("phan-anh/", include((feedback_public_urls, "feedback_public"))),  # citizens, no account
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    *api_urls.urlpatterns,
    *outreach_urls.urlpatterns,
    path("", site.urls),
]

