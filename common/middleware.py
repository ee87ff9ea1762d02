"""Ids in URL paths that no database row can have: a 404 before any view (ours or a library's, such as
viewflow's `<int:process_pk>` pages) hands them to the database."""

from django.http import Http404

from .ids import MAX_ID


class IdRangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
                raise Http404
        return None
