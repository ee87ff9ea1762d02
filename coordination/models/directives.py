"""Directives sent to many units, one assignment per unit, and the history of each assignment.

State lives here; the viewflow processes in `workflows/` drive the transitions through services."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.files import RandomName, private_storage
from org.audit import history_records
from org.models import Unit


class Urgency(models.Model):
    """Vietnamese administrative urgency (thường, khẩn, thượng khẩn, hỏa tốc) and its default SLA."""

    URGENT_RANK = 2  # thượng khẩn and above: acknowledgements watched by the minute (the emergency board)

    code = models.SlugField(_("mã"), unique=True)
    name = models.CharField(_("độ khẩn"), max_length=50)
    sla_hours = models.PositiveIntegerField(_("thời hạn mặc định (giờ)"))
    rank = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("độ khẩn")
        verbose_name_plural = _("độ khẩn")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class DeadlinePolicy(models.Model):
    """Editable reminder and escalation timing (one row is used: the first)."""

    reminder_hours = models.CharField(
        _("nhắc trước hạn (giờ, cách nhau bởi dấu phẩy)"), max_length=100, default="24,2"
    )
    escalate_parent_after_hours = models.PositiveIntegerField(_("báo đơn vị cấp trên sau quá hạn (giờ)"), default=24)
    escalate_issuer_after_hours = models.PositiveIntegerField(_("báo đơn vị giao việc sau quá hạn (giờ)"), default=48)
    acknowledge_within_minutes = models.PositiveIntegerField(
        _("tin khẩn: báo lên khi chưa tiếp nhận sau (phút)"), default=15,
        help_text=_("Văn bản thượng khẩn, hỏa tốc và tin khẩn cấp: đơn vị chưa tiếp nhận sau số phút này thì lãnh "
                    "đạo đơn vị và đơn vị giao việc được báo (0: tắt)."))

    class Meta:
        verbose_name = _("quy tắc nhắc hạn")
        verbose_name_plural = _("quy tắc nhắc hạn")

    def __str__(self) -> str:
        return str(_("Nhắc trước hạn: %(hours)s giờ") % {"hours": self.reminder_hours})

    @property
    def reminder_offsets(self) -> list[int]:
        return sorted({int(h) for h in self.reminder_hours.replace(" ", "").split(",") if h.isdigit()}, reverse=True)


class ReportRequirement(models.TextChoices):
    TEXT = "text", _("Báo cáo bằng văn bản")
    FIGURES = "figures", _("Số liệu")
    FILES = "files", _("Tệp minh chứng")
    BROADCAST = "broadcast", _("Xác nhận phát sóng")
    SCHEDULE = "schedule", _("Lịch phát dự kiến khi tiếp nhận")


class Directive(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        PENDING_APPROVAL = "pending_approval", _("Chờ lãnh đạo duyệt")
        RETURNED = "returned", _("Lãnh đạo trả lại")
        FANNING_OUT = "fanning_out", _("Đang gửi tới đơn vị")
        IN_PROGRESS = "in_progress", _("Đơn vị đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")
        CANCELLED = "cancelled", _("Đã hủy")

    title = models.CharField(_("trích yếu"), max_length=300)
    instructions = models.TextField(_("nội dung chỉ đạo"), blank=True)
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="issued_directives",
                                     verbose_name=_("đơn vị ban hành"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người soạn"))
    urgency = models.ForeignKey(Urgency, on_delete=models.PROTECT, verbose_name=_("độ khẩn"))
    deadline = models.DateTimeField(_("hạn hoàn thành"))
    target_spec = models.JSONField(_("đối tượng nhận"), default=dict, blank=True)
    report_requirements = models.JSONField(_("yêu cầu báo cáo"), default=list, blank=True)
    # A commune whose district is also a target is assigned under the district's assignment (as if relayed):
    # the district reviews its communes and reports once they are done (periodic reports set it).
    relay_through_districts = models.BooleanField(_("giao xã/phường qua quận/huyện"), default=False)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("người duyệt"))
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    approval_comment = models.TextField(_("ý kiến lãnh đạo"), blank=True)
    fanout_total = models.PositiveIntegerField(_("số đơn vị cần gửi"), default=0)
    fanout_done = models.PositiveIntegerField(_("số đơn vị đã gửi"), default=0)
    summary = models.TextField(_("tổng kết"), blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người hủy"))
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    # Every version: who, when, what (a return → revise → return keeps each comment and each text).
    history = history_records(_("lịch sử văn bản chỉ đạo"), excluded_fields=["fanout_total", "fanout_done"])

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-created_at"]
        permissions = [("approve_directive", _("Duyệt văn bản chỉ đạo"))]

    def __str__(self) -> str:
        return self.title

    @property
    def fanout_percent(self) -> int:
        return 100 if not self.fanout_total else int(100 * self.fanout_done / self.fanout_total)


class DirectiveAttachment(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=RandomName("directives/%Y/%m"), storage=private_storage,
                            max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One unit's share of a directive. A district's relay creates child assignments (parent set)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ tiếp nhận")
        RECEIVED = "received", _("Đã nhận")
        REPORTED = "reported", _("Đã báo cáo")
        RETURNED = "returned", _("Bị trả lại")
        ACCEPTED = "accepted", _("Đã hoàn thành")
        CANCELLED = "cancelled", _("Đã hủy")

    CLOSED = (Status.ACCEPTED, Status.CANCELLED)
    NOT_OWED = (*CLOSED, Status.REPORTED)  # nothing more is due from the unit (the overdue list, its index below)

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="assignments",
                                  verbose_name=_("văn bản chỉ đạo"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("đơn vị"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("giao tiếp từ"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("người được giao"))
    deadline = models.DateTimeField(_("hạn"))
    received_at = models.DateTimeField(_("thời điểm nhận"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("người tiếp nhận"))
    reported_at = models.DateTimeField(_("thời điểm báo cáo"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("quá hạn từ"), null=True, blank=True)
    report_text = models.TextField(_("nội dung báo cáo"), blank=True)
    report_figures = models.JSONField(_("số liệu"), default=dict, blank=True)
    return_comment = models.TextField(_("ý kiến trả lại"), blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    relayed = models.BooleanField(_("đã giao tiếp cho cấp dưới"), default=False)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    history = history_records(_("lịch sử nhiệm vụ đơn vị"))

    class Meta:
        verbose_name = _("nhiệm vụ đơn vị")
        verbose_name_plural = _("nhiệm vụ đơn vị")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="one_assignment_per_unit")]
        indexes = [
            models.Index(fields=["status", "deadline"]), models.Index(fields=["directive", "status"]),
            # the work a unit still owes by its deadline (the dashboard's overdue list): a scan of the open work
            # only, however many closed assignments the years add (bench/pages.py). The statuses are NOT_OWED's
            # (Meta cannot name the model's attributes; tests/dashboard/test_dashboard.py checks they agree).
            models.Index(fields=["deadline"], name="assignment_owed_deadline_idx",
                         condition=~models.Q(status__in=["accepted", "cancelled", "reported"])),
            # the dashboard's per-unit figures of a period (dashboard.selectors._aggregates): every column they
            # read, so that PostgreSQL reads the period's rows from the index alone, not every year's from the
            # table (bench/pages.py). SQLite ignores INCLUDE: there it is an index on created_at.
            models.Index(fields=["created_at"], name="assignment_period_cover_idx",
                         include=["unit", "status", "received_at", "reported_at", "deadline", "directive", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.directive} — {self.unit}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    def late_by(self, now=None):
        """How late the unit is (reported late, or still open past the deadline); None when on time."""
        end = self.reported_at or self.closed_at or now or timezone.now()
        return end - self.deadline if end > self.deadline else None


class AssignmentEvidence(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=RandomName("evidence/%Y/%m"), storage=private_storage,
                            max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class AssignmentEvent(models.Model):
    """Append-only history of an assignment. `once_key` makes reminders and escalations happen once."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Giao việc")
        RECEIVED = "received", _("Tiếp nhận")
        RELAYED = "relayed", _("Giao tiếp cho cấp dưới")
        NAMED = "named", _("Chỉ định người xử lý")
        REPORTED = "reported", _("Báo cáo")
        RETURNED = "returned", _("Trả lại")
        ACCEPTED = "accepted", _("Chấp nhận")
        CANCELLED = "cancelled", _("Hủy")
        REMINDED = "reminded", _("Nhắc hạn")
        OVERDUE = "overdue", _("Quá hạn")
        ESCALATED = "escalated", _("Báo cáo vượt cấp")
        MOVED = "moved", _("Chuyển cho đơn vị kế thừa")
        MERGED = "merged", _("Hợp nhất vào nhiệm vụ của đơn vị kế thừa")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    comment = models.TextField(blank=True)
    once_key = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001 (NULL: not unique-checked)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "once_key"], name="assignment_event_once",
                                    condition=models.Q(once_key__isnull=False))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.assignment_id}"
