"""Pages every flow shares: the task page base (viewflow hands it `request.activation`; it runs one step),
the form page and the one-button action page that start or change a flow, and "claim and open" a task."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from viewflow.workflow.models import Task

from common.forms import add_errors

from . import engine
from .landing import after_task_url


class TaskView(FormView):
    """A task page: shows the object, runs the step on a valid form, reports domain errors in the form."""

    template_name = "workflows/task.html"
    submit_label = gettext_lazy("Hoàn thành")

    def run(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(activation=self.request.activation, task=self.request.activation.task,
                       process=self.request.activation.process, submit_label=self.submit_label)
        return context

    def form_valid(self, form):
        try:
            self.run(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu."))
        return HttpResponseRedirect(after_task_url(self.request.activation.task))


def form_page(request, form, *, title: str, submit_label: str, run: Callable[[dict], object],
              done: Callable[[object], HttpResponse], intro: str = "") -> HttpResponse:
    """A page with one form that starts or changes a flow: on a valid POST `run(cleaned_data)`, then
    `done(result)` (a message and a redirect); a domain error goes back into the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return done(result)
    return render(request, "workflows/form_page.html",
                  {"form": form, "title": title, "submit_label": submit_label, "intro": intro})


def action(request, run: Callable[[], object], *, success: str, back: str) -> HttpResponse:
    """A one-button POST action (submit, withdraw…): a message saying what happened, then back to `back`."""
    try:
        run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(back)


def task_claim_page(flow_class):
    """One click from a bulletin or assignment page: take a task of `flow_class` from the queue, open its form."""

    @login_required
    @require_POST
    def task_claim(request, task_pk):
        task = Task.objects.filter(pk=task_pk, process__flow_class=flow_class).first()
        if task is None:
            raise Http404
        try:
            engine.task_claim(task, request.user)
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, reason or _("Không nhận được việc này."))
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                back = "/"
            return redirect(back)
        return redirect(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))

    return task_claim
