"""The organisation directory in viewflow's shell: the units a person may see, with their parents."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, ReadonlyModelViewset
from viewflow.utils import Icon

from . import selectors
from .models import Unit


class UnitViewset(ReadonlyModelViewset):
    model = Unit
    title = _("Danh bạ đơn vị")
    icon = Icon("account_tree")
    app_name = "unit"
    list_columns = ("name", "code", "kind", "parent", "is_urban")
    list_filter_fields = ("kind", "structure", "is_urban")
    list_search_fields = ("name", "code", "codename")
    list_paginate_by = 50

    def get_queryset(self, request):
        return selectors.units_visible_to(request.user).select_related("parent")

    def has_view_permission(self, user, obj=None):
        if obj is None:
            return user.is_authenticated
        return selectors.user_can_see_unit(user, obj)


class OrgApp(Application):
    title = _("Tổ chức")
    icon = Icon("apartment")
    app_name = "org"
    viewsets = [UnitViewset()]
