"""R-SEC-3: the database itself refuses UPDATE and DELETE on the audit table (see dbguard)."""

from django.db import migrations

from kefu.audit import dbguard


def forwards(apps, schema_editor):
    dbguard.install(schema_editor.connection)


def backwards(apps, schema_editor):
    dbguard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_trail_and_export_requests")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
