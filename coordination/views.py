"""Read-only coordination pages: directive list, the per-unit table (filter, export), assignment page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from common.files import file_response
from common.http import object_or_404, xlsx_response

from . import access, selectors
from .exports import assignments_xlsx
from .forms import AssignmentFilterForm

PAGE_SIZE = 100


def _filtered_rows(request, directive):
    form = AssignmentFilterForm(request.GET or None, directive=directive)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.assignment_rows(
        directive, request.user, status=filters.get("status") or None, overdue=bool(filters.get("overdue")),
        parent_unit=filters["parent_unit"].pk if filters.get("parent_unit") else None,
    )
    return form, rows


@login_required
def directive_list(request):
    page = Paginator(selectors.directives_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "coordination/directive_list.html", {"page": page})


@login_required
def directive_detail(request, pk):
    directive = object_or_404(selectors.directive_for_user(request.user, pk))
    form, rows = _filtered_rows(request, directive)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "coordination/directive_detail.html", {
        "directive": directive, "filter_form": form, "page": page, "now": now,
        "attachments": list(directive.attachments.all()),
        "rows": [(a, a.late_by(now)) for a in page],
        "progress": selectors.directive_progress(directive),
        "whole": selectors.user_sees_whole_directive(request.user, directive),
        "history": selectors.directive_history(directive),
        "can_cancel": access.can_cancel(request.user, directive),
    })


@login_required
def directive_fanout_progress(request, pk):
    directive = object_or_404(selectors.directive_for_user(request.user, pk))
    return JsonResponse(selectors.fanout_progress(directive))


@login_required
def directive_export(request, pk):
    directive = object_or_404(selectors.directive_for_user(request.user, pk))
    _form, rows = _filtered_rows(request, directive)
    return xlsx_response(assignments_xlsx(directive, rows), f"chi-dao-{directive.pk}.xlsx")


@login_required
def assignment_detail(request, pk):
    assignment = object_or_404(selectors.assignment_for_user(request.user, pk))
    return render(request, "coordination/assignment_detail.html", {
        "assignment": assignment, "history": selectors.assignment_history(assignment)})


@login_required
def directive_attachment_file(request, pk, attachment_pk):
    attachment = object_or_404(selectors.directive_attachment_for_user(request.user, pk, attachment_pk))
    return file_response(request, attachment.file.name, filename=attachment.name)


@login_required
def evidence_file(request, pk, evidence_pk):
    evidence = object_or_404(selectors.evidence_for_user(request.user, pk, evidence_pk))
    return file_response(request, evidence.file.name, filename=evidence.name)
