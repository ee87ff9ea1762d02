"""common.http (404 for what a selector did not find, XLSX downloads), common.forms and the shared pager."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import Http404
from django.template import Context, Template
from django.test import RequestFactory

from common.forms import MultipleFileField, add_errors
from common.http import XLSX_CONTENT_TYPE, object_or_404, xlsx_response


def test_object_or_404():
    found = object()
    assert object_or_404(found) is found
    assert object_or_404(0) == 0  # only None means "not found"
    with pytest.raises(Http404):
        object_or_404(None)


def test_xlsx_response_is_a_named_download():
    response = xlsx_response(b"PK\x03\x04data", "chi-dao-7.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="chi-dao-7.xlsx"'
    assert response.content == b"PK\x03\x04data"


class _Form(forms.Form):
    title = forms.CharField(required=False)
    files = MultipleFileField(required=False)


def test_add_errors_puts_each_message_on_its_field_or_on_the_form():
    form = _Form({})
    assert form.is_valid()
    add_errors(form, ValidationError({"title": "Sai tên", "deadline": "Sai hạn"}))
    add_errors(form, ValidationError("Chung"))
    assert form.errors["title"] == ["Sai tên"]
    assert form.non_field_errors() == ["Sai hạn", "Chung"]


def test_multiple_file_field_cleans_each_file():
    one, two = SimpleUploadedFile("a.pdf", b"a"), SimpleUploadedFile("b.pdf", b"b")
    assert _Form().fields["files"].clean([one, two]) == [one, two]
    assert _Form().fields["files"].clean(None) == []


def test_the_pager_keeps_the_other_query_parameters():
    request = RequestFactory().get("/x/", {"status": "reported", "page": "2"})
    page = Paginator(list(range(250)), 100).get_page(2)
    html = Template('{% include "common/_pager.html" %}').render(Context({"request": request, "page": page}))
    assert 'href="?status=reported&amp;page=1"' in html and 'href="?status=reported&amp;page=3"' in html
