"""Directives written before the structure in force was data resolved their sets against the 2025 structure (the
old default): say so in their target spec, so that they keep resolving there whatever is in force now."""

from django.db import migrations


def stamp_2025(apps, schema_editor):
    Directive = apps.get_model("coordination", "Directive")
    for row in Directive.objects.only("pk", "target_spec").iterator():
        spec = row.target_spec or {}
        if not spec.get("structure"):
            Directive.objects.filter(pk=row.pk).update(target_spec={**spec, "structure": "2025"})


class Migration(migrations.Migration):

    dependencies = [
        ("coordination", "0010_periodic_reporting_moved_out"),
        ("org", "0003_structure_in_force"),
    ]

    operations = [migrations.RunPython(stamp_2025, migrations.RunPython.noop)]
