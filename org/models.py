"""Units (a tree), people, memberships with roles, and the unit-scoped permissions other apps build on."""

from datetime import date

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .audit import history_records


class UnitKind(models.TextChoices):
    CITY = "city", _("Thành phố")
    DEPARTMENT = "department", _("Sở")
    DIVISION = "division", _("Phòng/đơn vị thuộc Sở")
    BOARD = "board", _("Ban biên tập")
    LEADERSHIP = "leadership", _("Lãnh đạo Sở")
    DISTRICT = "district", _("Quận/huyện/thị xã")
    COMMUNE = "commune", _("Xã/phường/thị trấn")


class Structure(models.TextChoices):
    """Which administrative structure a local unit belongs to (both may be loaded side by side)."""

    CITY = "city", _("Thành phố và Sở")
    Y2025 = "2025", _("Cơ cấu năm 2025 (3 cấp)")
    CURRENT = "current", _("Cơ cấu hiện hành (2 cấp, từ 1/7/2025)")


LOCAL_STRUCTURES = (Structure.Y2025, Structure.CURRENT)
CURRENT_IN_FORCE_SINCE = date(2025, 7, 1)  # Resolution 202/2025/QH15: two-tier local government


class StructureInForce(models.Model):
    """The one row that says which administrative structure the Department works with now, and since when.
    Target sets, unit pickers, periods and dashboards resolve against it; units of other structures keep their
    history. Read it with `org.selectors.structure_in_force`, change it with `org.services.structure_in_force_set`."""

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    structure = models.CharField(
        _("cơ cấu đang áp dụng"), max_length=20, default=Structure.CURRENT,
        choices=[(Structure.Y2025, Structure.Y2025.label), (Structure.CURRENT, Structure.CURRENT.label)])
    in_force_since = models.DateField(_("áp dụng từ ngày"), default=CURRENT_IN_FORCE_SINCE)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cơ cấu hành chính đang áp dụng")
        verbose_name_plural = _("cơ cấu hành chính đang áp dụng")
        constraints = [models.CheckConstraint(condition=models.Q(singleton=1), name="structure_in_force_one_row")]

    def __str__(self) -> str:
        return f"{self.get_structure_display()} — {self.in_force_since:%d/%m/%Y}"


class Role(models.TextChoices):
    DRAFTER = "drafter", _("Người soạn thảo")
    BOARD_SECRETARY = "board_secretary", _("Thư ký Ban biên tập")
    BOARD_MEMBER = "board_member", _("Thành viên Ban biên tập")
    DIRECTOR = "director", _("Giám đốc Sở")
    DEPUTY_DIRECTOR = "deputy_director", _("Phó Giám đốc Sở")
    OFFICE = "office", _("Văn phòng Sở")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    MANAGER = "manager", _("Cán bộ quản lý, theo dõi")
    ADMIN = "admin", _("Quản trị hệ thống")


LEADER_ROLES = (Role.DIRECTOR, Role.DEPUTY_DIRECTOR)


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class Unit(models.Model):
    """A node of the organisation tree. `path` is a materialised path ("/<id>/<id>/") so that the units
    under a unit are one indexed prefix query, whatever the depth."""

    code = models.CharField(
        _("mã"), max_length=32, help_text=_("Mã đơn vị hành chính chính thức, hoặc mã nội bộ của Sở.")
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices, db_index=True)
    structure = models.CharField(_("cơ cấu"), max_length=20, choices=Structure.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    codename = models.CharField(_("tên mã"), max_length=120, blank=True, db_index=True)
    is_urban = models.BooleanField(_("đô thị (phường/thị trấn)"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    group = models.OneToOneField(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="unit")
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    area_km2 = models.FloatField(_("diện tích (km²)"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["structure", "code"], name="unique_unit_code_per_structure")]
        permissions = [
            ("act_for_unit", _("Xử lý công việc của đơn vị")),
            ("supervise_unit", _("Theo dõi công việc của đơn vị")),
            ("supervise_all_units", _("Theo dõi công việc của mọi đơn vị")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class UnitSuccession(models.Model):
    """A reorganisation's link: `predecessor` (a unit of the structure left) went, whole or in part, into
    `successor` from `on`. A divided commune has several successors, one of them the default, which
    takes its open work."""

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions",
                                    verbose_name=_("đơn vị cũ"))
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessions",
                                  verbose_name=_("đơn vị mới"))
    is_default = models.BooleanField(_("đơn vị kế thừa mặc định"), default=False)
    on = models.DateField(_("từ ngày"))

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_unit_succession"),
            models.UniqueConstraint(fields=["predecessor"], condition=models.Q(is_default=True),
                                    name="one_default_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("người dùng"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    is_leader = models.BooleanField(_("lãnh đạo đơn vị"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = history_records(_("lịch sử phân công"))

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership_role")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


# guardian's direct-FK permission tables: a join on unit_id instead of a generic object_pk text column.
class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
