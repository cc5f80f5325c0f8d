"""Template filters for customers: numbers as the archive shows them (masked, R-SEC-1)."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.customers.choices import ContactKind
from kefu.customers.masking import masked_phone, shown_contact

register = template.Library()


@register.filter
def main_phone(customer: Any) -> str:
    """The customer's main number, masked; uses prefetched contacts when there are some."""
    phones = [c for c in customer.contacts.all() if c.kind == ContactKind.PHONE]
    if not phones:
        return "—"
    phones.sort(key=lambda c: (not c.is_primary, c.pk))
    return masked_phone(phones[0].value)


@register.filter
def contact(contact_point: Any) -> str:
    return shown_contact(contact_point)


@register.filter
def masked_number(e164: str) -> str:
    return masked_phone(e164)
