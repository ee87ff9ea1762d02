"""The succession data of the 2025 reorganisation, and org's share of it: links and locations."""

from collections import Counter

import pytest

from org.loaders import specs_2025, specs_current
from org.models import Structure, StructureInForce, Unit, UnitKind, UnitSuccession
from org.services import reorganise, units_sync
from org.succession import succession_2025


def test_the_data_file_counts():
    data = succession_2025()
    communes = data["communes"]
    assert len(communes) == 526 and len({c["code"] for c in communes}) == 526
    assert len(data["units"]) == 126
    assert {s for c in communes for s in c["successors"]} == {u["code"] for u in data["units"]}
    divided = [c for c in communes if c["divided"]]
    assert len(divided) == 199 and all(len(c["successors"]) > 1 for c in divided)
    whole = [c for c in communes if not c["divided"]]
    assert len(whole) == 327 and len({c["default"] for c in whole}) == 97
    assert all(c["default"] in c["successors"] for c in communes)
    assert "vietnamadminunits 1.0.4" in data["source"]


def test_the_data_joins_both_structures():
    """Old communes match the 2025 file code for code (a few names are spelt differently); new units match
    vietnam-provinces by name (126/126), though 29 of their codes differ (DOMAIN.md counted 27)."""
    data = succession_2025()
    old = {s.code: s.name for s in specs_2025() if s.kind == UnitKind.COMMUNE}
    assert {c["code"] for c in data["communes"]} == set(old)
    new = {s.name: s.code for s in specs_current() if s.kind == UnitKind.COMMUNE}
    assert len(new) == 126 and {u["name"] for u in data["units"]} == set(new)
    assert sum(new[u["name"]] != u["code"] for u in data["units"]) == 29


@pytest.fixture
def both_structures(demo):
    units_sync(specs_current())


def test_reorganise_links_every_commune_once_and_is_idempotent(both_structures):
    plan = reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    assert (plan.predecessor_count, plan.successor_count, plan.divided_count) == (526, 126, 199)
    assert plan.links_created == UnitSuccession.objects.count() == sum(
        len(c["successors"]) for c in succession_2025()["communes"])
    defaults = Counter(UnitSuccession.objects.filter(is_default=True).values_list("predecessor_id", flat=True))
    assert len(defaults) == 526 and set(defaults.values()) == {1}
    assert UnitSuccession.objects.values("successor").distinct().count() == 126
    assert not UnitSuccession.objects.exclude(predecessor__structure=Structure.Y2025).exists()
    assert not UnitSuccession.objects.exclude(successor__structure=Structure.CURRENT).exists()
    row = StructureInForce.objects.get()
    assert (row.structure, row.in_force_since.isoformat()) == (Structure.CURRENT, "2025-07-01")
    located = Unit.objects.filter(structure=Structure.CURRENT, kind=UnitKind.COMMUNE, latitude__isnull=False)
    assert located.count() == 126
    cua_nam = Unit.objects.get(structure=Structure.CURRENT, name="Phường Cửa Nam")
    assert (cua_nam.latitude, cua_nam.longitude, cua_nam.area_km2) == (21.0226, 105.851, 1.68)
    cong_vi = Unit.objects.get(structure=Structure.Y2025, code="00007")
    assert set(UnitSuccession.objects.filter(predecessor=cong_vi).values_list("successor__name", "is_default")) == {
        ("Phường Giảng Võ", False), ("Phường Ngọc Hà", True)}

    again = reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    assert (again.links_created, again.units_located, again.structure_changed) == (0, 0, False)
    assert UnitSuccession.objects.count() == plan.links_created


def test_loading_the_current_structure_locates_every_unit(both_structures):
    located = Unit.objects.filter(structure=Structure.CURRENT, kind=UnitKind.COMMUNE, latitude__isnull=False,
                                  longitude__isnull=False, area_km2__gt=0)
    assert located.count() == 126
    assert all(20.5 < u.latitude < 21.5 and 105.2 < u.longitude < 106.1 for u in located)  # inside Hà Nội
    again = units_sync(specs_current())
    assert (again.created, again.updated) == (0, 0)


def test_dry_run_writes_nothing(both_structures):
    Unit.objects.update(latitude=None, longitude=None, area_km2=None)  # as loaded before units had a location
    before = StructureInForce.objects.filter(pk=1).values_list("structure", flat=True).first()
    plan = reorganise(source=Structure.Y2025, target=Structure.CURRENT, dry_run=True)
    assert plan.links_created == len(plan.links) > 526
    assert not UnitSuccession.objects.exists()
    assert StructureInForce.objects.filter(pk=1).values_list("structure", flat=True).first() == before
    assert not Unit.objects.filter(latitude__isnull=False).exists()


def test_the_links_are_listed_read_only_in_the_admin(both_structures, admin_client):
    reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    page = admin_client.get("/admin/org/unitsuccession/?q=00007")
    assert page.status_code == 200 and "Phường Cống Vị" in page.content.decode()
    assert admin_client.get("/admin/org/unitsuccession/add/").status_code == 403
