"""Customer look-ups and writes used by intake (the full customer module comes later)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from kefu.customers.choices import ContactKind
from kefu.customers.models import ContactPoint, Customer


def customers_with_phone(e164: str) -> QuerySet[Customer]:
    return Customer.objects.filter(
        contacts__kind=ContactKind.PHONE, contacts__value=e164
    ).distinct()


def find_or_create_by_phone(e164: str, name: str, created_by=None) -> Customer:
    """The customer this number belongs to (the oldest, if several share it), else a new one."""
    existing = customers_with_phone(e164).order_by("pk").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        customer = Customer.objects.create(name=name or e164, created_by=created_by)
        ContactPoint.objects.create(
            customer=customer, kind=ContactKind.PHONE, value=e164, is_primary=True
        )
    return customer
