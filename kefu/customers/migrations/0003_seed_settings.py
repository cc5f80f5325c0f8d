"""Seed the customer rules with the rulebook's defaults (R-CUS-3: dormant after 180 days) and
give customers registered before this migration their real registration date."""

from django.db import migrations
from django.db.models.functions import TruncDate
from django.utils import timezone


def seed(apps, schema_editor):
    settings_model = apps.get_model("customers", "CustomerSettings")
    if not settings_model.objects.exists():
        settings_model.objects.create(dormancy_days=180, birthday_tasks_enabled=True)
    customer_model = apps.get_model("customers", "Customer")
    # One statement, not one per customer: the center-local date of each creation time.
    customer_model.objects.update(
        registered_on=TruncDate("created_at", tzinfo=timezone.get_current_timezone())
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customer_records")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
