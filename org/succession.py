"""The official succession data of a reorganisation (a data file derived once, see data/README.md)."""

import json
from pathlib import Path

SUCCESSION_2025_FILE = Path(__file__).resolve().parent / "data" / "succession-hanoi-2025.json"


def succession_2025(path: Path = SUCCESSION_2025_FILE) -> dict:
    """The official succession of Hà Nội's 526 communes of 2025 into the 126 units since 1/7/2025
    (vietnamadminunits): {"units": [new units, the package's codes, location], "communes": [old communes, each
    with its successors' codes, the default one, and whether it was divided]}."""
    return json.loads(path.read_text(encoding="utf-8"))


SUCCESSIONS = {("2025", "current"): succession_2025}
