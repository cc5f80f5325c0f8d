"""Customers created from an unknown number with no name were named with the full E.164 number,
shown unmasked where the number itself is masked (R-SEC-1). Rename exactly those: a name that
equals one of the customer's own phone numbers."""

from django.conf import settings
from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext


def rename(apps, schema_editor):
    customer_model = apps.get_model("customers", "Customer")
    contact_model = apps.get_model("customers", "ContactPoint")
    own_number = contact_model.objects.filter(
        customer_id=OuterRef("pk"), kind="phone", value=OuterRef("name")
    )
    with translation.override(settings.LANGUAGE_CODE):
        # The same text as kefu.customers.services.unnamed_caller_name().
        name = gettext("Caller (no name given)")
    customer_model.objects.filter(name__startswith="+").filter(Exists(own_number)).update(
        name=name
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_seed_settings")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
