"""A number too large for the database that reaches it through a page we do not write (Django's admin) is a 400
with a Vietnamese message, not a server error."""

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/admin/org/unit/add/?parent=18446744073709551616",
                                 "/admin/auth/group/?id__exact=18446744073709551616"])
def test_a_huge_number_in_an_admin_query_is_not_a_server_error(demo, url, user):
    client = Client(raise_request_exception=False)
    client.force_login(user("admin"))
    assert client.get(url).status_code < 500


def test_a_huge_id_in_an_admin_form_is_not_a_server_error(demo, user):
    client = Client(raise_request_exception=False)
    client.force_login(user("admin"))
    response = client.post("/admin/auth/group/add/", {"name": "x", "permissions": [str(2**64)]})
    assert response.status_code < 500


def test_the_middleware_answers_overflow_with_a_vietnamese_400(rf):
    from common.middleware import IdRangeMiddleware

    response = IdRangeMiddleware(lambda request: None).process_exception(rf.get("/x/"), OverflowError("too big"))
    assert response.status_code == 400 and "số quá lớn" in response.content.decode()
    assert IdRangeMiddleware(lambda request: None).process_exception(rf.get("/x/"), ValueError("other")) is None
