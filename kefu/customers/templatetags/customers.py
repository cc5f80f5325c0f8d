"""Template filters for customers: numbers as the archive shows them (masked, R-SEC-1)."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.audit.masking import mask_value
from kefu.customers.masking import masked_phone, shown_contact

register = template.Library()


@register.filter
def main_phone(customer: Any) -> str:
    """The customer's main number, masked; uses prefetched contacts when there are some."""
    return masked_phone(customer.main_phone()) or "—"


@register.filter
def contact(contact_point: Any) -> str:
    return shown_contact(contact_point)


@register.filter
def masked_number(e164: str) -> str:
    return masked_phone(e164)


@register.filter
def masked_text(text: str) -> str:
    """Free text (an order's result) with the phone and ID numbers in it masked, as the
    archive shows every number (R-SEC-1)."""
    return str(mask_value(text or ""))
