"""The flows moved into one package each (workflows/bulletin/flow.py, workflows/directive/flow.py): viewflow
stores a flow's import path in every process and task row, so the stored paths move with them."""

from django.db import migrations

MOVES = [
    ("workflows/bulletin.BulletinFlow", "workflows/bulletin.flow.BulletinFlow"),
    ("workflows/flows.DirectiveFlow", "workflows/directive.flow.DirectiveFlow"),
    ("workflows/flows.UnitAssignmentFlow", "workflows/directive.flow.UnitAssignmentFlow"),
]


def _move(schema_editor, pairs):
    with schema_editor.connection.cursor() as cursor:
        for old, new in pairs:
            cursor.execute("UPDATE viewflow_process SET flow_class = %s WHERE flow_class = %s", [new, old])
            # a task's reference is its flow's path, a dot and the node's name
            cursor.execute("UPDATE viewflow_task SET flow_task = %s || SUBSTR(flow_task, %s) "
                           "WHERE flow_task LIKE %s", [new, len(old) + 1, old + ".%"])


def forwards(apps, schema_editor):
    _move(schema_editor, MOVES)


def backwards(apps, schema_editor):
    _move(schema_editor, [(new, old) for old, new in MOVES])


class Migration(migrations.Migration):
    dependencies = [("workflows", "0004_close_reports_reopened_after_acceptance"), ("viewflow", "__latest__")]

    operations = [migrations.RunPython(forwards, backwards)]
