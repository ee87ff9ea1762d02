"""Bulletin targets use the directive target-spec format; editorial resolves it without importing coordination
(sibling apps), so this checks both resolvers agree."""

import pytest

from coordination.services import targets_resolve as coordination_resolve
from editorial.targets import target_spec_clean, targets_resolve
from org.models import Structure, Unit, UnitKind


def _district(codename):
    return Unit.objects.get(structure=Structure.Y2025, kind=UnitKind.DISTRICT, codename=codename)


@pytest.mark.parametrize("spec", [
    {"sets": ["all_districts"]},
    {"sets": ["all_communes"], "structure": "2025"},
    {"sets": ["department_divisions"]},
    {"sets": ["all_districts", "department_divisions"]},
    {"district_communes": ["quan_ba_dinh", "huyen_soc_son"]},
    {"units": ["phuong_phuc_xa"], "district_communes": ["quan_hoan_kiem"]},
    {},
])
def test_same_units_as_the_directive_resolver(demo, spec):
    spec = dict(spec)
    if "district_communes" in spec:
        spec["district_communes"] = [_district(c).pk for c in spec["district_communes"]]
    if "units" in spec:
        spec["units"] = [Unit.objects.get(structure=Structure.Y2025, codename=c).pk for c in spec["units"]]
    ours = targets_resolve(target_spec_clean(spec))
    assert [u.pk for u in ours] == [u.pk for u in coordination_resolve(spec)]


def test_spec_is_normalised(demo):
    assert target_spec_clean({"units": ["3", 3, 1], "sets": ["all_districts", "all_districts"]}) == {
        "units": [1, 3], "sets": ["all_districts"], "district_communes": [], "structure": "2025"}
