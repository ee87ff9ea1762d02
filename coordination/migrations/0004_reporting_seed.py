"""Seed the indicator set and the reporting calendar; rows that already exist (by code / kind) are left as they
are. The data file moved with periodic reporting to reporting/data/indicators.json (read as a file, not
imported: coordination does not depend on reporting)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent.parent / "reporting" / "data" / "indicators.json"
SCHEDULES = [("half_year", 30, 5, 6, 6, 31, 5), ("annual", 30, 11, 6, 12, 30, 11)]


def forwards(apps, schema_editor):
    Indicator = apps.get_model("coordination", "Indicator")
    ReportingSchedule = apps.get_model("coordination", "ReportingSchedule")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["indicators"]
    existing = set(Indicator.objects.values_list("code", flat=True))
    created = {}
    for i, r in enumerate(rows, start=1):
        if r["code"] in existing:
            continue
        created[r["code"]] = Indicator.objects.create(
            code=r["code"], group=r["group"], name=r["name"], unit_of_measure=r.get("unit", ""), kind=r["kind"],
            choices="\n".join(f"{c}|{label}" for c, label in r.get("choices", [])),
            required=r.get("required", False), non_negative=r.get("non_negative", True), position=10 * i)
    by_code = {i.code: i for i in Indicator.objects.all()}
    for r in rows:
        if r["code"] in created and r.get("max_of") in by_code:
            created[r["code"]].not_more_than = by_code[r["max_of"]]
            created[r["code"]].save(update_fields=["not_more_than"])
    for kind, cd, cm, dd, dm, od, om in SCHEDULES:
        ReportingSchedule.objects.get_or_create(kind=kind, defaults={
            "cutoff_day": cd, "cutoff_month": cm, "due_day": dd, "due_month": dm, "open_day": od, "open_month": om})


class Migration(migrations.Migration):
    dependencies = [("coordination", "0003_reporting")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
