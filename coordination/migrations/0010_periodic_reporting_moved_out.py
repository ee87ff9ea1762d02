"""Periodic reporting became the app `reporting`: its models leave coordination's migration state only. The
tables and their rows stay; reporting's 0001 takes them over (and renames them reporting_*)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0009_directive_relay_through_districts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='UnitReport'),
                migrations.DeleteModel(name='HistoricalReportingPeriod'),
                migrations.DeleteModel(name='ReportingPeriod'),
                migrations.DeleteModel(name='ReportingSchedule'),
                migrations.DeleteModel(name='Indicator'),
            ],
            database_operations=[],
        ),
    ]
