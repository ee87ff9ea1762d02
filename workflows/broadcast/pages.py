"""The emergency board's page and the rows it fetches again when the socket says "changed"."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.http import object_or_404
from coordination.selectors import deadline_policy

from .board import board, board_directive, urgent_directives
from .services import broadcast_bulletin


@login_required
@require_GET
def board_page(request, pk):
    directive = object_or_404(board_directive(request.user, pk))
    context = {"directive": directive, "board": board(directive), "bulletin": broadcast_bulletin(directive.pk),
               "minutes": deadline_policy().acknowledge_within_minutes}
    template = "workflows/broadcast/_board_rows.html" if request.GET.get("part") == "rows" else \
        "workflows/broadcast/board.html"
    return render(request, template, context)


@login_required
@require_GET
def boards_page(request):
    """The leaders' list of open urgent work, each with its board."""
    directives = list(urgent_directives(request.user)[:100])
    return render(request, "workflows/broadcast/boards.html", {"directives": directives})
