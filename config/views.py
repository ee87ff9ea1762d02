from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from org.selectors import membership_list, user_roles
from workflows.inbox import inbox_counts

from .home import actions_for


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page: who I am, which units I act for, and what my roles let me do."""

    template_name = "config/home.html"
    viewset = None

    def get_context_data(self, **kwargs):
        memberships = list(membership_list(self.request.user))
        return super().get_context_data(
            memberships=memberships,
            actions=actions_for(user_roles(self.request.user), is_superuser=self.request.user.is_superuser,
                                counts=inbox_counts(self.request.user)),
            **kwargs,
        )
