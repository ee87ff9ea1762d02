"""Writes in the editorial context."""

import json
from pathlib import Path

from django.db import transaction

from .models import PlanTopic

PLAN_2025_FILE = Path(__file__).resolve().parent / "data" / "plan_topics_2025.json"


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
