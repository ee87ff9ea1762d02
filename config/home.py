"""What each role can do, as cards on the home page. Links are URL names; a card whose page is not
installed is skipped, so an app adds its cards here when it lands."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from org.models import Role


@dataclass(frozen=True)
class HomeAction:
    title: str
    description: str
    url_name: str
    roles: tuple[str, ...]
    icon: str = "arrow_forward"
    count: str = ""  # a key of workflows.inbox.inbox_counts: the card shows how many tasks wait there
    by_role_only: bool = False  # the superuser flag alone does not show it (the dashboard: administering is not
    # managing the work; dashboard/access.py)
    query: str = ""  # appended to the card's link (the inbox's filter)


EVERYONE = tuple(Role.values)

HOME_ACTIONS: list[HomeAction] = [
    HomeAction(_("Bảng điều hành"), _("Tiến độ mọi đơn vị theo kỳ, minh chứng phát sóng, độ phủ kế hoạch, "
                                      "việc quá hạn, bản đồ; xuất Excel."),
               "dashboard:index", (Role.MANAGER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR), "insights", by_role_only=True),
    HomeAction(_("Lịch phát sóng"), _("Lịch phát trong tuần của xã/phường: giờ phát, thời lượng, cảnh báo khi vượt "
                                      "giới hạn buổi phát; tải về lịch iCalendar."),
               "air_calendar:week", (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.MANAGER, Role.DIRECTOR,
                                     Role.DEPUTY_DIRECTOR), "calendar_month", by_role_only=True),
    HomeAction(_("Danh bạ đơn vị"), _("Cây tổ chức: Sở, các đơn vị hành chính và người phụ trách."),
               "org:unit:index", EVERYONE, "account_tree"),
    HomeAction(_("Bản tin phát thanh"), _("Soạn bản tin, trình Ban biên tập, theo dõi duyệt, âm thanh và phát hành."),
               "editorial:bulletin_list", (Role.DRAFTER, Role.BOARD_SECRETARY, Role.BOARD_MEMBER, Role.DIRECTOR,
                                           Role.DEPUTY_DIRECTOR, Role.OFFICE, Role.MANAGER), "campaign"),
    HomeAction(_("Việc duyệt bản tin"), _("Phân công thẩm định, thẩm định, ký duyệt, phát hành: việc đang chờ bạn."),
               "work:inbox", (Role.BOARD_SECRETARY, Role.BOARD_MEMBER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR,
                              Role.OFFICE, Role.DRAFTER), "rate_review", count="bulletin", query="flow=bulletin"),
    HomeAction(_("Kế hoạch tuyên truyền"), _("32 chủ đề của năm: chủ đề nào đã có bản tin phát hành, chủ đề nào trễ."),
               "editorial:plan_coverage", (Role.MANAGER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.BOARD_SECRETARY,
                                           Role.DRAFTER), "event_note"),
    HomeAction(_("Bản tin đã phát hành"), _("Bản tin gửi tới đơn vị của bạn, kèm âm thanh."),
               "editorial:published_list", (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER), "podcasts"),
    HomeAction(_("Văn bản chỉ đạo"), _("Soạn, duyệt, theo dõi tiến độ từng đơn vị, xuất Excel."),
               "coordination:directive_list", (Role.DRAFTER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.MANAGER,
                                                Role.OFFICE, Role.BOARD_SECRETARY), "gavel"),
    HomeAction(_("Nhiệm vụ của đơn vị"), _("Hàng chờ của đơn vị: tiếp nhận, giao tiếp cho xã/phường, báo cáo."),
               "work:inbox",
               (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.DRAFTER, Role.MANAGER), "assignment",
               count="assignment", query="flow=assignment"),
    HomeAction(_("Báo cáo định kỳ"), _("Báo cáo thống kê 6 tháng và năm: nhập số liệu, xem xét, tổng hợp, xuất Excel."),
               "reporting:period_list", EVERYONE, "bar_chart"),
    HomeAction(_("Hộp việc"), _("Việc của bạn và hàng chờ của đơn vị: bản tin, văn bản chỉ đạo, nhiệm vụ, báo cáo."),
               "work:inbox", EVERYONE, "inbox", count="total"),
    HomeAction(_("Việc chờ duyệt"), _("Văn bản chỉ đạo chờ lãnh đạo duyệt."), "work:inbox",
               (Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.MANAGER), "approval", count="directive",
               query="flow=directive"),
    HomeAction(_("Tuyên truyền viên"),
               _("Danh sách tuyên truyền viên của xã/phường, nhập từ Excel, tỷ lệ đã nhận tin."),
               "outreach_registry", (Role.COMMUNE_OFFICER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.MANAGER),
               "groups"),
    HomeAction(_("Theo dõi khẩn"),
               _("Tin khẩn cấp và văn bản hỏa tốc, thượng khẩn: đơn vị nào chưa tiếp nhận, chưa phát."),
               "directive:boards", (Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.MANAGER, Role.DRAFTER, Role.OFFICE),
               "crisis_alert"),
    HomeAction(_("Quản trị hệ thống"), _("Đơn vị, người dùng, phân công vai trò, thiết lập và nhật ký."),
               "admin:index", (Role.ADMIN,), "admin_panel_settings"),
]


def actions_for(roles: set[str], *, is_superuser: bool = False, counts: dict | None = None) -> list[dict]:
    """The cards a person's roles open, with `counts` (workflows.inbox.inbox_counts) on those that count."""
    counts = counts or {}
    cards = []
    for action in HOME_ACTIONS:
        if not (roles.intersection(action.roles) or (is_superuser and not action.by_role_only)):
            continue
        try:
            url = reverse(action.url_name)
        except NoReverseMatch:
            continue
        if action.query:
            url = f"{url}?{action.query}"
        cards.append({"title": action.title, "description": action.description, "url": url, "icon": action.icon,
                      "count_key": action.count, "count": counts.get(action.count, 0) if action.count else None})
    return cards
