"""Pages answer GET exactly as they answer POST (the same access rule decides both), process charts and
details open only for a process the visitor may see, and nobody is shown a link that answers 403."""

import re
import warnings
from urllib.parse import urlsplit

import pytest
from django.core.paginator import UnorderedObjectListWarning
from django.db.models import F
from django.urls import reverse

from coordination import services as coordination
from coordination.models import Directive, Urgency
from editorial.models import Bulletin
from org.models import Structure, Unit, User
from tests.cast import DEPARTMENT, LEADERS
from tests.editorial.helpers import draft, submit
from workflows.bulletin.flow import BulletinFlow
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.models import AssignmentProcess, BulletinProcess, DirectiveProcess

ANONYMOUS = "anonymous"
ROLES = ["giamdoc", "phogiamdoc", "truongban", "bientap1", "bientap2", "bientap3", "phongtt", "truyenthong",
         "vanphong", "quanly", "admin", "quan_ba_dinh", "phuong_phuc_xa", "xa_minh_phu", ANONYMOUS]


def _unit(codename):
    return Unit.objects.get(structure=Structure.Y2025, codename=codename)


@pytest.fixture
def objects(demo):
    """A published bulletin of Phòng TT-BC-XB to Phúc Xá; a directive of the same division to Ba Đình, relayed
    to Phúc Xá; each with its process."""
    bulletin = draft(target_spec={"units": [_unit("phuong_phuc_xa").pk], "structure": "2025"})
    submit(bulletin)
    Bulletin.objects.filter(pk=bulletin.pk).update(status=Bulletin.Status.PUBLISHED,
                                                   published_revision=F("current_revision"))
    directive = coordination.directive_create(
        user=User.objects.get(username="phongtt"), issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"),
        title="Tuyên truyền phòng chống bão", instructions="<p>Phát bản tin 3 lần/ngày</p>",
        urgency=Urgency.objects.get(code="khan"), target_spec={"units": [_unit("quan_ba_dinh").pk]})
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.IN_PROGRESS)
    [district] = coordination.assignments_create(directive, [_unit("quan_ba_dinh")])
    [relayed] = coordination.assignments_create(directive, [_unit("phuong_phuc_xa")], parent=district)
    return {
        "bulletin": bulletin, "directive": directive, "district": district, "relayed": relayed,
        "bulletin_process": BulletinProcess.objects.create(flow_class=BulletinFlow, artifact=bulletin),
        "directive_process": DirectiveProcess.objects.create(flow_class=DirectiveFlow, artifact=directive),
        "district_process": AssignmentProcess.objects.create(flow_class=UnitAssignmentFlow, artifact=district),
        "relayed_process": AssignmentProcess.objects.create(flow_class=UnitAssignmentFlow, artifact=relayed),
    }


def _login(client, role):
    client.logout()
    if role != ANONYMOUS:
        client.force_login(User.objects.get(username=role))


def _refused(response) -> bool:
    if response.status_code == 302:
        return "/accounts/login/" in response["Location"]
    return response.status_code in (403, 404)


# url (from the fixture's objects) → who may use the page
ACTION_PAGES = {
    "correct": (lambda o: f"/bulletin/bulletins/{o['bulletin'].pk}/correct/", {"phongtt"}),
    "cancel": (lambda o: f"/directive/directives/{o['directive'].pk}/cancel/", LEADERS | {"phongtt", "quanly"}),
    "new directive": (lambda o: "/directive/new/", DEPARTMENT),
    "new bulletin": (lambda o: "/editorial/new/", {"phongtt", "truyenthong"}),
}


@pytest.mark.parametrize("name", list(ACTION_PAGES))
def test_get_is_refused_exactly_like_post(client, objects, name):
    url_of, expected = ACTION_PAGES[name]
    url = url_of(objects)
    wrong = []
    for role in ROLES:
        _login(client, role)
        get, post = client.get(url), client.post(url, {})  # an empty form: refused, or shown again with errors
        assert get.status_code < 500 and post.status_code < 500, (role, get.status_code, post.status_code)
        if _refused(get) != _refused(post) or _refused(get) == (role in expected):
            wrong.append((role, get.status_code, post.status_code))
    assert wrong == [], f"{name}: (role, GET, POST) not as expected: {wrong}"
    objects["directive"].refresh_from_db()
    assert objects["directive"].status == Directive.Status.IN_PROGRESS


# process → who may see its chart and detail page: those who see the object and use the flow's app
SUPERVISORS = LEADERS | {"quanly", "admin"}
PROCESS_PAGES = {
    "bulletin": ("bulletin", "bulletin_process", {"phongtt", "truyenthong", "truongban", "bientap1", "bientap2",
                                                  "bientap3", "vanphong"} | SUPERVISORS),
    "directive": ("directive", "directive_process", {"phongtt"} | SUPERVISORS),
    "district assignment": ("unitassignment", "district_process", {"phongtt", "quan_ba_dinh"} | SUPERVISORS),
    "relayed assignment": ("unitassignment", "relayed_process", {"phongtt", "quan_ba_dinh", "phuong_phuc_xa"}
                           | SUPERVISORS),
}


@pytest.mark.parametrize("name", list(PROCESS_PAGES))
def test_process_chart_and_detail_only_for_who_may_see_the_process(client, objects, name):
    prefix, key, expected = PROCESS_PAGES[name]
    process = objects[key]
    other = objects["bulletin_process"] if prefix != "bulletin" else objects["directive_process"]
    wrong = []
    for role in ROLES:
        _login(client, role)
        # the chart for who may see the process; viewflow's process page for its supervisors only
        for url, allowed in ((f"/{prefix}/{process.pk}/chart/", expected),
                             (f"/{prefix}/{process.pk}/", expected & SUPERVISORS)):
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            if _refused(response) == (role in allowed):
                wrong.append((role, url, response.status_code))
        for url in (f"/{prefix}/{process.pk + 10_000}/chart/", f"/{prefix}/{other.pk}/chart/",
                    f"/{prefix}/{other.pk}/"):  # no such process, or another flow's
            response = client.get(url)
            if not _refused(response):
                wrong.append((role, url, response.status_code))
    assert wrong == [], f"{name}: (role, url, status) not as expected: {wrong}"


HREF = re.compile(r'href="([^"#]*)"')
SKIP = ("/static/", "/media/", "/accounts/logout", "/jsi18n", "/admin/", "/editorial/feeds/")


def _links(html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
            continue
        found.append(href)
    return found


@pytest.mark.parametrize("role", ["phuong_phuc_xa", "xa_minh_phu", "quan_ba_dinh", "bientap1", "vanphong",
                                  "truyenthong"])
def test_no_link_on_the_pages_a_person_sees_answers_403(client, objects, role):
    """From the home page, follow every link of the pages reached (two clicks deep: the home page, the menu's
    pages and the objects they list); none may answer 403 or fail."""
    _login(client, role)
    seen: dict[str, int] = {}
    where: dict[str, str] = {}
    frontier = ["/"]
    for _depth in range(3):
        following = []
        for url in frontier:
            if url in seen:
                continue
            response = client.get(url, follow=True)
            seen[url] = response.status_code
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                for link in _links(response.content.decode()):
                    where.setdefault(link, url)
                    following.append(link)
        frontier = following
    bad = {url: (status, where.get(url)) for url, status in seen.items() if status == 403 or status >= 500}
    assert bad == {}, f"{role} is shown links that fail (url: status, found on): {bad}"
    assert len(seen) > 10


# role → the flow apps in their menu
BULLETIN_APP = DEPARTMENT | {"admin"}
DIRECTIVE_APP = DEPARTMENT | {"admin"}


@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
def test_the_menu_shows_a_flow_app_only_to_who_may_use_it(client, demo, role):
    _login(client, role)
    html = client.get("/").content.decode()
    expected = {"/bulletin/": role in BULLETIN_APP, "/directive/": role in DIRECTIVE_APP, "/unitassignment/": True}
    for prefix, shown in expected.items():
        assert (f'href="{prefix}"' in html) == shown, (role, prefix)
        response = client.get(prefix, follow=True)
        assert (response.status_code == 200) == shown, (role, prefix, response.status_code)


def test_process_lists_page_in_a_stable_order(client, objects):
    """viewflow's process list paginates; an unordered queryset could repeat or skip processes between pages."""
    client.force_login(User.objects.get(username="giamdoc"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        for flow in ("bulletin", "directive", "unitassignment"):
            assert client.get(reverse(f"{flow}:process_list")).status_code == 200, flow
