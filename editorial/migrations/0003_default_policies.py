from django.db import migrations

LIMITS = [
    # area, minutes per session, sessions per day, days per week
    ("urban", 15, 2, 5),
    ("rural", 45, None, None),
]
SOURCE = "Quy định về hoạt động đài truyền thanh cơ sở của TP Hà Nội (2021)"


def forwards(apps, schema_editor):
    EditorialSettings = apps.get_model("editorial", "EditorialSettings")
    BroadcastLimit = apps.get_model("editorial", "BroadcastLimit")
    ReviewPolicy = apps.get_model("editorial", "ReviewPolicy")
    if not EditorialSettings.objects.exists():
        EditorialSettings.objects.create()
    for area, minutes, sessions, days in LIMITS:
        BroadcastLimit.objects.get_or_create(area=area, defaults={
            "max_minutes_per_session": minutes, "sessions_per_day": sessions, "days_per_week": days, "source": SOURCE})
    ReviewPolicy.objects.get_or_create(priority="", defaults={"rule": "all"})


class Migration(migrations.Migration):
    dependencies = [("editorial", "0002_bulletins_reviews_audio_channels")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
