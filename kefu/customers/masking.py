"""R-SEC-1 in one place: who may see a customer's full phone and ID numbers, and how a number is
shown to everyone else (138****1234). Decision record: docs/decisions/0006-personal-data.md.

Two ways a number reaches a screen, both decided here:

* ``shown_phone`` / ``shown_id_number`` — where a staff member is *working* one contact (the
  order page, the screen pop, the work-order API): the full number for roles that hold
  ``customers.view_personal_data``, masked for everyone else.
* the customer archive (customer list and page, duplicates, dormant lists, tasks, the customer
  API) shows every number masked, to everyone; a permission holder *reveals* one customer's
  numbers with ``reveal`` — a logged action (R-SEC-1, R-SEC-3) — so that browsing the archive
  cannot collect numbers unnoticed.

Nothing else in the code masks or unmasks numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kefu.customers.choices import ContactKind
from kefu.lib.phones import mask as mask_phone
from kefu.lib.phones import national

PERSONAL_DATA = "customers.view_personal_data"


def may_see_personal_data(user: Any) -> bool:
    """Whether the user's roles need customers' full phone and ID numbers (decision 0006)."""
    return bool(user.has_perm(PERSONAL_DATA))


def mask_text(value: str) -> str:
    """Keep the first three and the last four characters: 110***********1234."""
    text = (value or "").strip()
    if len(text) <= 7:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"


def masked_phone(e164: str) -> str:
    """The archive's form of a number, for everyone: 138****1234."""
    return mask_phone(e164) if e164 else ""


def shown_phone(user: Any, e164: str, *, as_e164: bool = False) -> str:
    """The full number for those who may see personal data — as dialled in China
    (13812345678, 02152345678), or in E.164 for the API (``as_e164``) — masked for everyone
    else."""
    if not e164:
        return ""
    if not may_see_personal_data(user):
        return mask_phone(e164)
    return e164 if as_e164 else national(e164)


def shown_id_number(user: Any, value: str) -> str:
    if not value:
        return ""
    return value if may_see_personal_data(user) else mask_text(value)


def shown_contact(contact: Any) -> str:
    """A contact point as the archive shows it: phones masked, other kinds as they are."""
    if contact.kind == ContactKind.PHONE:
        return masked_phone(contact.value)
    return str(contact.value)


@dataclass(frozen=True)
class Revealed:
    phones: list[str]
    id_number: str


def reveal(user: Any, customer: Any, *, request: Any = None) -> Revealed:
    """The customer's full phone numbers and ID number, for a permission holder; every reveal is
    written to the audit trail (who, when, which customer)."""
    from kefu.audit.services import record

    if not may_see_personal_data(user):
        raise PermissionDenied(_("Your role may not see customers' full numbers."))
    phones = [
        national(value)
        for value in customer.contacts.filter(kind=ContactKind.PHONE)
        .order_by("-is_primary", "pk")
        .values_list("value", flat=True)
    ]
    record(
        user,
        "customer.reveal",
        customer,
        summary=_("Full numbers of %(name)s shown") % {"name": customer.name},
        request=request,
    )
    return Revealed(phones=phones, id_number=customer.id_number)
