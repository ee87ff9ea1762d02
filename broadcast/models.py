"""IP loudspeaker clusters (cụm loa truyền thanh ứng dụng CNTT-VT) and what goes to them: a unit's air plan
for one bulletin revision, the command outbox the MQTT gateway publishes from (at-least-once: a command stays
"queued" until the broker took it), and the play logs the clusters send back, which are evidence.

A sibling of editorial and coordination (DESIGN.md): bulletins and assignments are named by id, and the flows
in workflows/ tie them together."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Unit


class Cluster(models.Model):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Chưa kết nối")
        ONLINE = "online", _("Đang hoạt động")
        OFFLINE = "offline", _("Mất kết nối")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("đơn vị"))
    code = models.CharField(_("mã cụm loa"), max_length=64, unique=True,
                            help_text=_("Chữ, số, dấu gạch ngang hoặc gạch dưới; dùng trong tên chủ đề MQTT."))
    name = models.CharField(_("tên/vị trí"), max_length=200, blank=True)
    vendor = models.CharField(_("nhà cung cấp"), max_length=100, blank=True)
    serial = models.CharField(_("IMEI hoặc số sê-ri"), max_length=64, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    last_seen_at = models.DateTimeField(_("tín hiệu gần nhất"), null=True, blank=True)
    offline_since = models.DateTimeField(_("mất kết nối từ"), null=True, blank=True)
    volume = models.PositiveSmallIntegerField(_("âm lượng (%)"), null=True, blank=True)
    faults = models.JSONField(_("mã lỗi"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cụm loa")
        verbose_name_plural = _("cụm loa")
        ordering = ["unit__path", "code"]
        indexes = [models.Index(fields=["status", "last_seen_at"], name="cluster_status_seen")]

    def __str__(self) -> str:
        return f"{self.code} ({self.unit.name})"


class AirPlan(models.Model):
    """One unit's broadcast of one bulletin revision on its clusters: planned times (a normal bulletin, from
    the time the unit gave on receipt) or "play now" (an emergency)."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Theo lịch")
        PLAY_NOW = "play_now", _("Phát ngay")

    class Status(models.TextChoices):
        SENT = "sent", _("Đã gửi lịch tới cụm loa")
        PLAYED = "played", _("Đã phát đủ")
        PARTIAL = "partial", _("Phát chưa đủ")
        WITHDRAWN = "withdrawn", _("Đã rút lịch")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="air_plans", verbose_name=_("đơn vị"))
    bulletin_id = models.PositiveIntegerField(_("bản tin"))
    revision = models.PositiveSmallIntegerField(_("phiên bản"))
    assignment_id = models.PositiveIntegerField(_("nhiệm vụ phát sóng"), null=True, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    priority = models.CharField(_("độ ưu tiên"), max_length=10, blank=True)
    kind = models.CharField(_("cách phát"), max_length=10, choices=Kind.choices)
    audio_url = models.CharField(_("đường dẫn âm thanh"), max_length=500)
    audio_sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64, blank=True)
    duration_seconds = models.FloatField(_("thời lượng (giây)"), default=0)
    times = models.JSONField(_("các lần phát"), default=list, blank=True)
    repetitions = models.PositiveSmallIntegerField(_("số lần phát"), default=1)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("rút lúc"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận phát sóng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lịch phát trên cụm loa")
        verbose_name_plural = _("lịch phát trên cụm loa")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["bulletin_id", "revision", "unit"], name="one_plan_per_unit")]
        indexes = [models.Index(fields=["assignment_id"], name="airplan_assignment"),
                   models.Index(fields=["unit", "status"], name="airplan_unit_status")]

    def __str__(self) -> str:
        return f"{self.title} — {self.unit.name}"


class Command(models.Model):
    """The outbox: what the gateway publishes to one cluster. Queued until the broker acknowledged it (QoS 1);
    a claim older than the lease is a dead gateway's, claimable again. One row per (cluster, plan, kind): a
    second request for the same is the same command."""

    class Kind(models.TextChoices):
        SCHEDULE = "schedule", _("Gửi lịch phát")
        PLAY_NOW = "play_now", _("Phát ngay")
        WITHDRAW = "withdraw", _("Rút lịch phát")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="commands")
    plan = models.ForeignKey(AirPlan, on_delete=models.CASCADE, related_name="commands")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("lệnh gửi cụm loa")
        verbose_name_plural = _("lệnh gửi cụm loa")
        constraints = [models.UniqueConstraint(fields=["cluster", "plan", "kind"], name="one_command_per_kind")]
        indexes = [models.Index(fields=["created_at"], name="command_queued", condition=Q(status="queued"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.cluster_id}"


class PlayLog(models.Model):
    """A cluster says it played a bulletin: when, how long, with what result. `key` is the cluster's own id for
    the log: the same log sent twice is stored once."""

    class Result(models.TextChoices):
        OK = "ok", _("Phát trọn vẹn")
        PARTIAL = "partial", _("Phát không trọn vẹn")
        FAILED = "failed", _("Lỗi, không phát được")

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="play_logs",
                                verbose_name=_("cụm loa"))
    plan = models.ForeignKey(AirPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="play_logs",
                             verbose_name=_("lịch phát"))
    key = models.CharField(_("mã nhật ký"), max_length=100)
    bulletin_id = models.PositiveIntegerField(_("bản tin"))
    revision = models.PositiveSmallIntegerField(_("phiên bản"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu phát"))
    duration_seconds = models.FloatField(_("thời lượng (giây)"))
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký phát")
        verbose_name_plural = _("nhật ký phát")
        ordering = ["started_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["cluster", "key"], name="one_log_per_cluster_key")]
        indexes = [models.Index(fields=["plan", "cluster"], name="playlog_plan_cluster")]

    def __str__(self) -> str:
        return f"{self.cluster_id}: {self.key}"
