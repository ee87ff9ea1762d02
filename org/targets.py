"""Who a directive or a bulletin is addressed to. One target-spec format for both apps:
{"units": [ids], "sets": ["all_districts" | "all_communes" | "department_divisions"], "district_communes":
[district ids], "structure": "2025" | "current"}; sets are resolved against one administrative structure: the
one the spec names (kept, for history), else the structure in force (org.selectors.structure_in_force)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import bulk

from . import selectors as org_selectors
from .models import LOCAL_STRUCTURES, Structure, Unit, UnitKind

TARGET_SETS = {
    "all_districts": gettext_lazy("Tất cả quận/huyện/thị xã"),
    "all_communes": gettext_lazy("Tất cả xã/phường/thị trấn"),
    "department_divisions": gettext_lazy("Các phòng, đơn vị thuộc Sở"),
}
SPEC_KEYS = {"units", "sets", "district_communes", "structure"}
DISTRICT_SETS = {"all_districts"}
COMMUNE_LEVEL_LABEL = gettext_lazy("Tất cả xã/phường")  # the current structure has no thị trấn


def target_set_choices(structure: str | None = None, *, with_districts: bool | None = None) -> list[tuple[str, str]]:
    """The sets a form offers in a structure (in force by default): district sets only where there are
    districts."""
    structure = structure or org_selectors.structure_in_force()
    if with_districts is None:
        with_districts = org_selectors.structure_has_districts(structure)
    choices = []
    for key, label in TARGET_SETS.items():
        if key in DISTRICT_SETS and not with_districts:
            continue
        if key == "all_communes" and structure == Structure.CURRENT:
            label = COMMUNE_LEVEL_LABEL
        choices.append((key, label))
    return choices


def target_spec_clean(spec: dict | None) -> dict:
    """A normalised copy of the spec; unknown keys, sets or structures are refused."""
    spec = dict(spec or {})
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        raise ValidationError({"target_spec": _("Khóa không hợp lệ: %(keys)s") % {"keys": ", ".join(sorted(unknown))}})
    structure = spec.get("structure") or org_selectors.structure_in_force()
    if structure not in LOCAL_STRUCTURES:
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
    """Units named by a target spec, sets resolved against the spec's structure, else the one in force."""
    structure = spec.get("structure") or org_selectors.structure_in_force()
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
    return list(Unit.objects.filter(pk__in=bulk.any_of(ids), is_active=True).order_by("path"))


def target_fields_limit(form, structure: str | None = None) -> str:
    """Limit a form's `target_sets`, `district_communes` and `target_units` fields to one structure (the one in
    force by default): its sets, its districts (the field goes when it has none, and nothing then mentions
    districts), its units and the Department's divisions. Returns the structure, for the spec."""
    structure = structure or org_selectors.structure_in_force()
    with_districts = org_selectors.structure_has_districts(structure)
    form.fields["target_sets"].choices = target_set_choices(structure, with_districts=with_districts)
    if with_districts:
        form.fields["district_communes"].queryset = Unit.objects.filter(
            structure=structure, kind=UnitKind.DISTRICT, is_active=True).order_by("path")
    else:
        form.fields.pop("district_communes", None)
    form.fields["target_units"].queryset = org_selectors.pickable_units(structure)
    return structure


def target_spec_succeed(spec: dict, *, target: str, successors: dict[int, set[int]]) -> dict:
    """The same addressees in the `target` structure: a unit of the structure left becomes its successors
    (`successors`: see ReorganisationPlan.successor_sets), "communes of district D" the successors of D's
    communes, and a district set the communes' set where the target has no districts. Units of neither
    structure (the Department's divisions) stay."""
    spec = target_spec_clean(spec)
    units: set[int] = set()
    for pk in spec["units"] + spec["district_communes"]:
        units |= successors.get(pk, {pk})
    sets = set(spec["sets"])
    if sets & DISTRICT_SETS and not org_selectors.structure_has_districts(target):
        sets = (sets - DISTRICT_SETS) | {"all_communes"}
    return {"units": sorted(units), "sets": sorted(sets), "district_communes": [], "structure": target}
