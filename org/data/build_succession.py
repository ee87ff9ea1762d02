"""Derive succession-hanoi-2025.json (Hà Nội's 526 communes of 2025 → the 126 units since 1/7/2025) from
the PyPI package vietnamadminunits, once. Not imported by the project: run with an interpreter that has
the package (see README.md), e.g. `/tmp/vau/bin/python org/data/build_succession.py`."""

import datetime
import json
import sqlite3
from importlib.metadata import version
from pathlib import Path

import vietnamadminunits

PKG = Path(vietnamadminunits.__file__).resolve().parent
OUT = Path(__file__).resolve().parent / "succession-hanoi-2025.json"
PROVINCE_KEY = "thanhphohanoi"


def main() -> None:
    conv = json.loads((PKG / "data/converter_2025.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(PKG / "data/dataset.db")
    old = {
        f"{pk}_{dk}_{wk}": {"code": code, "name": name, "district_code": dcode}
        for pk, dk, wk, code, name, dcode in db.execute(
            "SELECT DISTINCT provinceKey, districtKey, wardKey, wardCode, ward, districtCode"
            " FROM admin_units_legacy WHERE provinceCode = '01'")
    }
    new = {
        key: {"code": code, "name": name, "latitude": lat, "longitude": lon, "area_km2": area}
        for key, code, name, lat, lon, area in db.execute(
            "SELECT DISTINCT wardKey, wardCode, ward, wardLat, wardLon, wardAreaKm2"
            " FROM admin_units WHERE provinceCode = '01'")
    }
    communes = {}
    for new_key, old_keys in conv["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE_KEY].items():
        for old_key in old_keys:
            communes[old[old_key]["code"]] = {
                **old[old_key], "divided": False, "default": new[new_key]["code"], "successors": [new[new_key]["code"]]}
    for old_key, parts in conv["DICT_PROVINCE_WARD_DIVIDED"][PROVINCE_KEY].items():
        assert old[old_key]["code"] not in communes, old_key
        communes[old[old_key]["code"]] = {
            **old[old_key], "divided": True,
            "default": next(new[p["newWardKey"]]["code"] for p in parts if p["isDefaultNewWard"]),
            "successors": [new[p["newWardKey"]]["code"] for p in parts]}
    doc = {
        "source": (f"vietnamadminunits {version('vietnamadminunits')} (PyPI, MIT): data/converter_2025.json "
                   f"(DICT_PROVINCE_WARD_NO_DIVIDED, DICT_PROVINCE_WARD_DIVIDED, province key {PROVINCE_KEY}) "
                   f"and data/dataset.db (admin_units_legacy, admin_units, provinceCode 01); "
                   f"derived {datetime.date.today()} by org/data/build_succession.py"),
        "note": ("Codes of new units are the package's; 29 of them differ from vietnam-provinces 2025.10.1: "
                 "join new units by name."),
        "units": sorted(new.values(), key=lambda u: u["code"]),
        "communes": [communes[c] for c in sorted(communes)],
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(doc['communes'])} communes ({sum(c['divided'] for c in communes.values())} divided) "
          f"-> {len(doc['units'])} units: {OUT}")


if __name__ == "__main__":
    main()
