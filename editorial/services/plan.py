"""The plan catalogue and the editable reference rows."""

import json
from pathlib import Path

from django.db import transaction

from ..models import BroadcastLimit, EditorialSettings, PlanTopic, ReviewPolicy, ReviewRule

PLAN_2025_FILE = Path(__file__).resolve().parent.parent / "data" / "plan_topics_2025.json"


@transaction.atomic
def plan_topics_load(path: Path = PLAN_2025_FILE) -> int:
    """Load a year's plan catalogue; updates topics in place, so running it twice changes nothing.
    Returns the number of topics created."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for item in data["topics"]:
        _topic, was_created = PlanTopic.objects.update_or_create(
            year=data["year"], number=item["number"],
            defaults={"title": item["title"], "month_from": item["month_from"], "month_to": item["month_to"],
                      "directing_source": data.get("directing_source", "")},
        )
        created += was_created
    return created


@transaction.atomic
def editorial_reference_ensure() -> None:
    """Default settings, loudspeaker limits and review rule (also written by migration 0003); existing rows
    are kept as the administrator left them."""
    if not EditorialSettings.objects.exists():
        EditorialSettings.objects.create()
    for area, values in BroadcastLimit.DEFAULTS.items():
        BroadcastLimit.objects.get_or_create(area=area, defaults={**values, "source": BroadcastLimit.DEFAULT_SOURCE})
    ReviewPolicy.objects.get_or_create(priority="", defaults={"rule": ReviewRule.ALL})
