"""The periodic report pages inside viewflow's shell (menu, theme). Mounted in config/urls.py."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application
from viewflow.utils import Icon

from . import urls


class ReportingApp(Application):
    title = _("Báo cáo định kỳ")
    icon = Icon("bar_chart")
    app_name = "reporting"
    menu_template_name = "reporting/app_menu.html"
    urlpatterns = urls.urlpatterns
