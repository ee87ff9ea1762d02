"""The editorial pages inside viewflow's shell (menu, theme). Mounted in config/urls.py next to the other apps."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application
from viewflow.utils import Icon

from . import urls


class EditorialApp(Application):
    title = _("Biên tập")
    icon = Icon("record_voice_over")
    app_name = "editorial"
    menu_template_name = "editorial/app_menu.html"
    urlpatterns = urls.urlpatterns
