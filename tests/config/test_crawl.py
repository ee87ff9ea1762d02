"""Every page each demo role can reach, after a bulletin and a directive (relayed by a district) have been walked:
no English UI word (viewflow's and Django's msgids), no raw dict, list, bool or HTML tag on screen, and no link
that answers 403 or 404. The crawl follows same-site links from home, breadth first, GET only, bounded (a few
pages per URL shape), and reports everything it found at once."""

import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth.models import Permission

from org.models import User
from tests.cast import BOARD_SECRETARY, DIRECTOR, DRAFTER, MANAGER, OFFICE
from tests.editorial.helpers import communes, draft, u
from tests.workflows.bulletin.helpers import publish_now, through_board_and_director
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, issue, report, review, unit
from workflows.bulletin import services as bulletin_services
from workflows.bulletin.flow import BulletinFlow
from workflows.directive import services as directive_services
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow

ROLES = [DIRECTOR, BOARD_SECRETARY, "bientap1", DRAFTER, OFFICE, MANAGER, "admin", "huyen_dong_anh", "xa_kim_no",
         "phuong_phuc_xa"]
PAGES_PER_ROLE = 120
PAGES_PER_SHAPE = 2  # /directives/12/ and /directives/13/ are one shape
SKIP = re.compile(r"^/(static|media|files|logout|accounts/logout|i18n|ws|api|__|admin)|/(download|export|feed|audio)"
                  r"|\.(xlsx|csv|pdf|wav|mp3|ogg|xml|json|rss|atom)$|/admin/.*/(delete|history)/|/admin/r/")

# Pages the crawl does not judge yet: viewflow's process cancel page, linked from every process page for everyone
# who opens it (403 for most) and with English of its own ("No owner assigned"). Issue 13, item 3 asks for the
# button only for those who may cancel, behind a confirmation that says what it cancels: built with the landing
# pages, not here. Every other 403/404 fails.
TOLERATED = re.compile(r"^/(bulletin|directive|unitassignment)/\d+/cancel/$")

# English msgids of viewflow and Django that a page may show when a translation is missing, and words the
# issue found on screen. Matched as whole words, case-sensitive, in visible text and in aria-label/title/
# placeholder attributes.
ENGLISH = [
    "Start", "End", "Cancel", "Assign", "Unassign", "Brief", "Owner", "Permission", "Created at", "Created",
    "Directive", "Received by", "Fanout total", "Open navigation menu", "Process", "Processes", "Tasks", "Task",
    "Details", "Detail", "Dashboard", "Search", "Filter", "Filters", "Actions", "Action", "Status", "Finished",
    "Started", "Flow", "Flows", "Inbox", "Queue", "Archive", "Chart", "Undo", "Revive", "Execute", "Continue",
    "Save", "Delete", "Add", "Change", "History", "Home", "Log out", "Logout", "Sign in", "Profile", "Yes", "No",
    "Next", "Previous", "Back", "Submit", "Data", "Comment", "Comments", "Assigned", "Unassigned", "Done",
    "Canceled", "Error", "Check Emergency", "Split Reviews", "Join Reviews", "Check Outcome", "Check Review",
    "Check Approval", "Function", "Join", "Split", "Switch", "Handle", "Select all", "selected", "Download",
    "Upload", "Close", "Open", "Show", "Hide", "Menu", "Settings", "Administration", "View site", "Welcome",
    "Recent actions", "Documentation", "Password", "Username", "Name", "Description", "Title", "Created by",
    "Modified", "Updated", "Date", "Time", "Today", "Now", "Loading", "None", "True", "False", "of",
]
ENGLISH_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ENGLISH), key=len, reverse=True))
                        + r")(?![\w-])")
RAW = re.compile(r"\{'|\['|'\]|<\w+[ >/]|&lt;/?\w+|\bdatetime\.|\d{4}-\d\d-\d\dT\d\d:\d\d")
# Words that are the same in Vietnamese or are names: allowed where they appear alone.
ALLOWED_TEXT = re.compile(r"^(Zalo|Zalo OA|OA|MQTT|IMEI|IP|FM|AI|TTCS|UBND|SVHTT|BHXH|BHYT|CNTT-VT|PDF|Excel|"
                          r"XLSX|CSV|API|OpenAPI|URL|Email|E-mail|email|Atom|RSS|ID|OK|Django|viewflow)$")


class Page(HTMLParser):
    """Visible text, labelling attributes and links of one page (stdlib parser: no extra dependency)."""

    HIDDEN = {"script", "style", "template", "noscript", "svg", "textarea"}  # a textarea holds form data

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def problems_on(html: str) -> tuple[list[str], list[str]]:
    page = Page()
    page.feed(html)
    found = []
    for text in page.texts:
        if ALLOWED_TEXT.match(text):
            continue
        for word in ENGLISH_RE.findall(text):
            found.append(f"English {word!r} in {text[:80]!r}")
        if RAW.search(text):
            found.append(f"raw value {text[:80]!r}")
    return found, page.links


def crawl(client, username: str) -> tuple[dict[str, list[str]], int]:
    """Breadth first from home. Returns {problem: [pages]} and the number of pages read."""
    client.force_login(User.objects.get(username=username))
    found: dict[str, list[str]] = defaultdict(list)
    seen, shapes = {"/"}, defaultdict(int)
    queue = deque([("/", "(start)")])
    read = 0
    while queue and read < PAGES_PER_ROLE:
        path, via = queue.popleft()
        if TOLERATED.match(path):
            continue
        response = client.get(path)
        read += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            found[f"{response.status_code} {path}"].append(via)
            continue
        if response.status_code in (301, 302):
            target = urljoin(path, response["Location"])
            if urlsplit(target).netloc in ("", "testserver") and target not in seen:
                seen.add(target)
                queue.append((urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query
                                                       else ""), path))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        problems, links = problems_on(response.content.decode())
        for problem in problems:
            found[problem].append(path)
        for href in links:
            href = urldefrag(urljoin(path, href))[0]
            parts = urlsplit(href)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or SKIP.search(parts.path):
                continue
            seen.add(target)
            if shapes[shape(target)] >= PAGES_PER_SHAPE:
                continue
            shapes[shape(target)] += 1
            queue.append((target, path))
    return found, read


@pytest.fixture
def walked(demo, django_capture_on_commit_callbacks, settings, tmp_path):
    """A bulletin published to two communes, a directive to a commune and a district that relays it to two of
    its communes; reports sent, one returned, some accepted."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = draft(target_spec=communes("phuong_phuc_xa", "xa_kim_no"))
        bulletin_services.review_start(bulletin=bulletin, user=u(DRAFTER))
        through_board_and_director(bulletin)
    publish_now(bulletin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(u(DRAFTER), [unit("phuong_phuc_xa"), unit("huyen_dong_anh")])
        approve(directive, u(DIRECTOR))
    with django_capture_on_commit_callbacks(execute=True):
        commune = assignment_of(directive, "phuong_phuc_xa")
        acknowledge(commune, u("phuong_phuc_xa"))
        report(commune, u("phuong_phuc_xa"))
        review(commune, u(DRAFTER), accept=False, comment="Bổ sung số lần phát")
        district = assignment_of(directive, "huyen_dong_anh")
        acknowledge(district, u("huyen_dong_anh"))
        children = directive_services.relay(assignment=district, user=u("huyen_dong_anh"),
                                            units=[unit("xa_kim_no"), unit("xa_uy_no")])
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(children[0], u("xa_kim_no"))
        report(children[0], u("xa_kim_no"))
    return bulletin, directive


def test_every_flow_node_has_a_vietnamese_title():
    for flow_class in (BulletinFlow, DirectiveFlow, UnitAssignmentFlow):
        for node in flow_class.instance.nodes():
            title = str(node.task_title or "")
            assert title and title != node.name.replace("_", " ").title(), f"{flow_class.__name__}.{node.name}"
            assert not re.fullmatch(r"[A-Za-z ]+", title), f"{flow_class.__name__}.{node.name}: {title}"


@pytest.mark.parametrize("username", ROLES)
def test_every_reachable_page_is_vietnamese_and_every_link_opens(walked, client, username):
    assert Permission.objects.exists()
    found, read = crawl(client, username)
    assert read > 3, f"{username} reached only {read} pages"
    report_lines = [f"{problem}  (on {', '.join(sorted(set(pages))[:3])})" for problem, pages in sorted(found.items())]
    assert not report_lines, f"{username}: {read} pages, {len(report_lines)} problems:\n" + "\n".join(report_lines)


def test_the_crawler_finds_what_it_looks_for():
    """The checks above cannot pass by seeing nothing."""
    problems, links = problems_on('<nav aria-label="Open navigation menu"><a href="/x/">1-1 of 1</a></nav>'
                                  "<dl><dd>{'units': []}</dd><dd>&lt;p&gt;Ủy ban</dd><dd>False</dd></dl>")
    assert links == ["/x/"]
    assert any("Open navigation menu" in p for p in problems) and any("'of'" in p for p in problems)
    assert sum(p.startswith("raw value") for p in problems) == 2 and any("'False'" in p for p in problems)
    assert problems_on("<p>Văn bản chỉ đạo: Phát bản tin</p><script>var Start = 1</script>")[0] == []
