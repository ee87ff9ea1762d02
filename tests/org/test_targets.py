"""Bulletins and directives share one target-spec format and one resolver (org.targets)."""

import pytest

from org.models import Structure, Unit, UnitKind
from org.targets import target_spec_clean, targets_resolve


def _district(codename):
    return Unit.objects.get(structure=Structure.Y2025, kind=UnitKind.DISTRICT, codename=codename)


@pytest.mark.parametrize(("spec", "expected"), [
    ({"sets": ["all_districts"]}, 30),
    ({"sets": ["all_communes"], "structure": "2025"}, 526),
    ({"sets": ["all_communes"], "structure": "current"}, 0),  # not loaded in the test database
    ({"sets": ["department_divisions"]}, 4),
    ({"sets": ["all_districts", "department_divisions"]}, 34),
    ({"district_communes": ["quan_ba_dinh"]}, None),
    ({"units": ["phuong_phuc_xa"], "district_communes": ["quan_ba_dinh"]}, None),
    ({}, 0),
])
def test_sets_and_units_resolve_to_units(demo, spec, expected):
    spec = dict(spec)
    if "district_communes" in spec:
        spec["district_communes"] = [_district(c).pk for c in spec["district_communes"]]
        expected = Unit.objects.filter(parent_id__in=spec["district_communes"], kind=UnitKind.COMMUNE).count()
    if "units" in spec:
        spec["units"] = [Unit.objects.get(structure=Structure.Y2025, codename=c).pk for c in spec["units"]]
    units = targets_resolve(target_spec_clean(spec))
    assert len(units) == expected
    assert len({u.pk for u in units}) == len(units)  # a unit named twice is addressed once


def test_spec_is_normalised(demo):
    assert target_spec_clean({"units": ["3", 3, 1], "sets": ["all_districts", "all_districts"]}) == {
        "units": [1, 3], "sets": ["all_districts"], "district_communes": [], "structure": "2025"}
