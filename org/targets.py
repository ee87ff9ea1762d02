"""Who a directive or a bulletin is addressed to. One target-spec format for both apps:
{"units": [ids], "sets": ["all_districts" | "all_communes" | "department_divisions"], "district_communes":
[district ids], "structure": "2025" | "current"}; sets are resolved against one administrative structure."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors as org_selectors
from .models import Structure, Unit, UnitKind

TARGET_SETS = {
    "all_districts": gettext_lazy("Tất cả quận/huyện/thị xã"),
    "all_communes": gettext_lazy("Tất cả xã/phường/thị trấn"),
    "department_divisions": gettext_lazy("Các phòng, đơn vị thuộc Sở"),
}
SPEC_KEYS = {"units", "sets", "district_communes", "structure"}


def target_spec_clean(spec: dict | None) -> dict:
    """A normalised copy of the spec; unknown keys, sets or structures are refused."""
    spec = dict(spec or {})
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        raise ValidationError({"target_spec": _("Khóa không hợp lệ: %(keys)s") % {"keys": ", ".join(sorted(unknown))}})
    structure = spec.get("structure") or Structure.Y2025
    if structure not in (Structure.Y2025, Structure.CURRENT):
        raise ValidationError({"target_spec": _("Cơ cấu hành chính không hợp lệ.")})
    sets = sorted(set(spec.get("sets") or []))
    if any(s not in TARGET_SETS for s in sets):
        raise ValidationError({"target_spec": _("Nhóm đơn vị nhận không hợp lệ.")})
    try:
        units = sorted({int(u) for u in spec.get("units") or []})
        districts = sorted({int(d) for d in spec.get("district_communes") or []})
    except (TypeError, ValueError) as exc:
        raise ValidationError({"target_spec": _("Mã đơn vị không hợp lệ.")}) from exc
    return {"units": units, "sets": sets, "district_communes": districts, "structure": structure}


def targets_resolve(spec: dict) -> list[Unit]:
    """Units named by a target spec, sets resolved against one administrative structure."""
    structure = spec.get("structure") or Structure.Y2025
    ids = set(spec.get("units") or [])
    sets = set(spec.get("sets") or [])
    local = Unit.objects.filter(structure=structure, is_active=True)
    if "all_districts" in sets:
        ids |= set(local.filter(kind=UnitKind.DISTRICT).values_list("pk", flat=True))
    if "all_communes" in sets:
        ids |= set(local.filter(kind=UnitKind.COMMUNE).values_list("pk", flat=True))
    if "department_divisions" in sets:
        ids |= set(Unit.objects.filter(kind=UnitKind.DIVISION, is_active=True).values_list("pk", flat=True))
    for district in Unit.objects.filter(pk__in=spec.get("district_communes") or []):
        ids |= set(org_selectors.units_under(district).filter(kind=UnitKind.COMMUNE).values_list("pk", flat=True))
    return list(Unit.objects.filter(pk__in=ids, is_active=True).order_by("path"))
