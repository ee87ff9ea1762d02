"""Relaying communes through their district becomes a Directive field (was `target_spec["nest_communes"]`,
a key org's target specs accepted only to drop it). Existing directives keep their behaviour."""

from django.db import migrations, models


MODELS = ["Directive", "HistoricalDirective"]  # history rows too: the next version must not read as a change


def spec_key_to_field(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("coordination", name)
        for row in model.objects.filter(target_spec__has_key="nest_communes").only("pk", "target_spec"):
            spec = dict(row.target_spec)
            relay = bool(spec.pop("nest_communes"))
            model.objects.filter(pk=row.pk).update(target_spec=spec, relay_through_districts=relay)


def field_to_spec_key(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("coordination", name)
        for row in model.objects.filter(relay_through_districts=True).only("pk", "target_spec"):
            model.objects.filter(pk=row.pk).update(target_spec={**row.target_spec, "nest_communes": True})


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0008_private_random_file_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='directive',
            name='relay_through_districts',
            field=models.BooleanField(default=False, verbose_name='giao xã/phường qua quận/huyện'),
        ),
        migrations.AddField(
            model_name='historicaldirective',
            name='relay_through_districts',
            field=models.BooleanField(default=False, verbose_name='giao xã/phường qua quận/huyện'),
        ),
        migrations.RunPython(spec_key_to_field, field_to_spec_key),
    ]
