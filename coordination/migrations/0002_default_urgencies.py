from django.db import migrations

URGENCIES = [
    ("thuong", "Thường", 168, 0),
    ("khan", "Khẩn", 48, 1),
    ("thuong_khan", "Thượng khẩn", 24, 2),
    ("hoa_toc", "Hỏa tốc", 4, 3),
]


def forwards(apps, schema_editor):
    Urgency = apps.get_model("coordination", "Urgency")
    DeadlinePolicy = apps.get_model("coordination", "DeadlinePolicy")
    for code, name, hours, rank in URGENCIES:
        Urgency.objects.get_or_create(code=code, defaults={"name": name, "sla_hours": hours, "rank": rank})
    if not DeadlinePolicy.objects.exists():
        DeadlinePolicy.objects.create(reminder_hours="24,2")


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
