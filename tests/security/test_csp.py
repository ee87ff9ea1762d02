"""Security headers: the Content-Security-Policy (django-csp) allows this origin's files only, with a fresh nonce
per response for <style> elements; the referrer and permissions policies. In a real browser: a script that is
not a file of this origin does not run and is reported (so the `csp_clean` check of every browser test can
fail), and pages built on viewflow, Django's admin, the API docs and our own scripts run without a violation."""

import re

import pytest
from django.urls import reverse

from tests.cast import ADMIN, DIRECTOR
from tests.live import log_in


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_the_policy_allows_only_this_origin(client, demo):
    response = client.get(reverse("login"))
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"] and policy["form-action"] == ["'self'"]
    nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy["style-src-elem"]
    again = client.get(reverse("login"))
    assert f"'nonce-{nonce}'" not in again.headers["Content-Security-Policy"]  # one nonce per response


def test_referrer_and_permissions_policies(client, demo):
    response = client.get(reverse("login"))
    assert response.headers["Referrer-Policy"] == "same-origin"
    features = dict(item.split("=") for item in response.headers["Permissions-Policy"].split(", "))
    assert features["camera"] == features["microphone"] == features["geolocation"] == "()"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_json_answers_carry_the_policy_too(client, demo):
    assert "default-src 'self'" in client.get("/healthz").headers["Content-Security-Policy"]


@pytest.mark.django_db(transaction=True)
def test_a_script_not_from_this_origin_is_refused_and_reported(asgi_live_server, browser, demo_transactional):
    """The page as the server sends it, headers and all, with an inline script and a handler added: neither
    runs, and the browser fixture records both (then this test empties the record, which would fail it)."""
    context = browser.new_context()
    page = log_in(context, asgi_live_server, DIRECTOR)

    def inject(route):
        response = route.fetch()
        body = response.text().replace("</body>", '<script>window.injected = 1</script>'
                                                  '<img src="/static/ttcs/theme.css" onerror="window.handled = 1">'
                                                  "</body>")
        route.fulfill(response=response, body=body)

    page.route(f"{asgi_live_server.url}/", inject)
    page.goto(f"{asgi_live_server.url}/")
    page.wait_for_load_state("load")
    assert page.evaluate("() => [window.injected, window.handled]") == [None, None]
    page.wait_for_timeout(200)  # the violation events are queued tasks
    found = list(browser.violations)
    browser.violations.clear()
    assert any("script-src-elem" in v for v in found), found
    assert any("script-src-attr" in v for v in found), found
    context.close()


@pytest.mark.django_db(transaction=True)
def test_pages_of_every_kind_run_without_a_violation(asgi_live_server, browser, demo_transactional):
    """viewflow's shell with Turbo, Tom Select and the notifications script; the API's Swagger UI; Django's
    admin; the propagandists' registry, whose commune picker submits itself from a static script."""
    leader = log_in(browser.new_context(), asgi_live_server, DIRECTOR)
    errors = []
    leader.on("pageerror", lambda e: errors.append(str(e)))
    leader.goto(f"{asgi_live_server.url}{reverse('outreach_registry')}")
    picker = leader.locator("select[data-autosubmit]")
    second = picker.locator("option").nth(1).get_attribute("value")
    picker.select_option(second)
    leader.wait_for_url(f"**?unit={second}")
    assert errors == []
    leader.context.close()

    docs = browser.new_context().new_page()  # the API docs need no login
    docs.goto(f"{asgi_live_server.url}/api/v1/docs")
    docs.wait_for_selector(".swagger-ui .info")
    docs.context.close()

    admin = log_in(browser.new_context(), asgi_live_server, ADMIN)
    admin.goto(f"{asgi_live_server.url}/admin/")
    admin.goto(f"{asgi_live_server.url}/admin/org/unit/")
    admin.wait_for_selector("#result_list")
    admin.wait_for_timeout(200)
    admin.context.close()
