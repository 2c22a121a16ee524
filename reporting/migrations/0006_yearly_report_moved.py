"""The yearly report's models moved to the `yearly` app with their tables (yearly 0001): this
drops them from reporting's state only; the tables and their rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_text_limits"),
        ("yearly", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="reportcall", name="created_by"),
                migrations.RemoveField(model_name="reportcall", name="unit"),
                migrations.DeleteModel(name="ImplementationReport"),
                migrations.DeleteModel(name="ReportCall"),
            ],
        ),
    ]
