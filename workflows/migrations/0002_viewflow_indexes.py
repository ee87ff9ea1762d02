"""Indexes viewflow lacks, used by inbox, queue and dashboard queries (CREATE INDEX IF NOT EXISTS works on
SQLite and PostgreSQL)."""

from django.db import migrations

INDEXES = {
    "wf_task_flow_task_idx": ("viewflow_task", "flow_task"),
    "wf_task_status_idx": ("viewflow_task", "status"),
    "wf_task_owner_status_idx": ("viewflow_task", "owner_id, status"),
    "wf_task_perm_obj_idx": ("viewflow_task", "owner_permission, owner_permission_obj_pk"),
    "wf_process_flow_status_idx": ("viewflow_process", "flow_class, status"),
    "wf_process_artifact_idx": ("viewflow_process", "artifact_object_id"),
}


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial"), ("viewflow", "__latest__")]
    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})", f"DROP INDEX IF EXISTS {name}"
        )
        for name, (table, columns) in INDEXES.items()
    ]
