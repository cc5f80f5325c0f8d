"""Seed the rulebook's callback numbers (R-CB-1 72 hours, R-CB-2 3 attempts, R-CB-6 the 20th);
administrators change them in the admin site."""

from django.db import migrations


def seed(apps, schema_editor):
    CallbackSettings = apps.get_model("callbacks", "CallbackSettings")
    if not CallbackSettings.objects.exists():
        CallbackSettings.objects.create(
            due_hours=72, max_failed_attempts=3, target_callback_rate=100, monthly_report_day=20
        )


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0001_callback_records")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
