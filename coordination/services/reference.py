"""Coordination's reference data: the urgency levels and the deadline policy."""

from ..models import DeadlinePolicy, Urgency

URGENCY_DEFAULTS = [("thuong", "Thường", 168, 0), ("khan", "Khẩn", 48, 1), ("thuong_khan", "Thượng khẩn", 24, 2),
                    ("hoa_toc", "Hỏa tốc", 4, 3)]


def reference_data_ensure() -> None:
    """Default urgencies and deadline policy (also created by migration 0002); existing rows are kept."""
    for code, name, hours, rank in URGENCY_DEFAULTS:
        Urgency.objects.get_or_create(code=code, defaults={"name": name, "sla_hours": hours, "rank": rank})
    if not DeadlinePolicy.objects.exists():
        DeadlinePolicy.objects.create()


