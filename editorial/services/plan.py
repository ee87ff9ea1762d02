"""The plan catalogue and the editable reference rows."""

import json
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class TopicImport:
    year: int
    number: int
    title: str
    month_from: int
    month_to: int
    directing_source: str = ""
    is_active: bool = True


@dataclass
class TopicsImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    row_changes: list[str] = field(default_factory=list)  # per row: "created" | "updated" | "unchanged"


TOPIC_FIELDS = ("title", "month_from", "month_to", "directing_source", "is_active")


@transaction.atomic
def plan_topics_import(*, rows: list[TopicImport]) -> TopicsImportResult:
    """Create or update the plan's topics by (year, number), in one transaction; importing the same rows again
    changes nothing. Topics absent from the rows are kept."""
    result = TopicsImportResult()
    existing = {(t.year, t.number): t for t in PlanTopic.objects.filter(year__in={r.year for r in rows})}
    for row in rows:
        values = {f: getattr(row, f) for f in TOPIC_FIELDS}
        topic = existing.get((row.year, row.number))
        if topic is None:
            topic = PlanTopic(year=row.year, number=row.number, **values)
            topic.full_clean()
            topic.save()
            existing[(row.year, row.number)] = topic
            result.created += 1
            result.row_changes.append("created")
        elif any(getattr(topic, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(topic, f, v)
            topic.full_clean()
            topic.save()
            result.updated += 1
            result.row_changes.append("updated")
        else:
            result.unchanged += 1
            result.row_changes.append("unchanged")
    return result
