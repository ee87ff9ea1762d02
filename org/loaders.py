"""Where units come from: the current structure from the vietnam-provinces dependency, the plan's 2025
structure from a data file derived once from vietnam-provinces 0.6.0 (see data/README.md)."""

import json
from pathlib import Path

from .models import Structure, UnitKind
from .services import UnitSpec
from .succession import succession_2025

DATA_DIR = Path(__file__).resolve().parent / "data"
HANOI_2025_FILE = DATA_DIR / "hanoi_2025.json"
HANOI_PROVINCE_CODE = 1
CITY_CODE = "01"
CITY_NAME = "Thành phố Hà Nội"


def city_spec() -> UnitSpec:
    return UnitSpec(code=CITY_CODE, name=CITY_NAME, kind=UnitKind.CITY, structure=Structure.CITY, codename="ha_noi")


def _local_code(code: int) -> str:
    """Official GSO format: 5 digits for a commune-level unit."""
    return f"{int(code):05d}"


def _district_code(code: int) -> str:
    """Official GSO format: 3 digits for a district (its number space overlaps the communes')."""
    return f"{int(code):03d}"


def specs_current() -> list[UnitSpec]:
    """Hanoi's commune-level units since 1/7/2025 (two-tier local government): no district level."""
    from vietnam_provinces import Ward  # noqa: PLC0415 (a large data package: read only to load this structure)

    hanoi = (w for w in Ward.iter_all() if int(w.province_code) == HANOI_PROVINCE_CODE)
    wards = sorted(hanoi, key=lambda w: int(w.code))
    # where each unit is, from the official succession data (joined by name: see org/data/README.md)
    located = {u["name"]: (u["latitude"], u["longitude"], u["area_km2"]) for u in succession_2025()["units"]}
    return [city_spec()] + [
        UnitSpec(
            code=_local_code(w.code), name=w.name, kind=UnitKind.COMMUNE, structure=Structure.CURRENT,
            parent_code=CITY_CODE, parent_structure=Structure.CITY, codename=w.codename, location=located.get(w.name),
        )
        for w in wards
    ]


def specs_2025(path: Path = HANOI_2025_FILE) -> list[UnitSpec]:
    """The plan's structure: 30 districts and their 526 communes (vietnam-provinces 0.6.0)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    specs = [city_spec()]
    for district in data["districts"]:
        specs.append(
            UnitSpec(
                code=_district_code(district["code"]), name=district["name"], kind=UnitKind.DISTRICT,
                structure=Structure.Y2025, parent_code=CITY_CODE, parent_structure=Structure.CITY,
                codename=district["codename"], short_name=district.get("short_codename", ""),
            )
        )
        for ward in district["wards"]:
            specs.append(
                UnitSpec(
                    code=_local_code(ward["code"]), name=ward["name"], kind=UnitKind.COMMUNE,
                    structure=Structure.Y2025, parent_code=_district_code(district["code"]),
                    codename=ward["codename"], short_name=ward.get("short_codename", ""),
                )
            )
    return specs


LOADERS = {"current": specs_current, "2025": specs_2025}

