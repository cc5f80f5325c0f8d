"""Orders and the customer record they belong to: moving every order of one customer to another
when the customer module merges two records (R-CUS-1). Owned by the customer module; the one
place outside the actions that changes ``Ticket.customer``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket, TimelineEvent


@transaction.atomic
def reassign_customer(actor: Any, source: Any, target: Any) -> list[str]:
    """Point every order of ``source`` at ``target``; each order gets a new version and a
    "details changed" timeline entry naming both records. Returns the order numbers."""
    orders = list(
        Ticket.objects.select_for_update().filter(customer=source).values_list("pk", "number")
    )
    if not orders:
        return []
    now = timezone.now()
    ids = [pk for pk, _number in orders]
    Ticket.objects.filter(pk__in=ids).update(
        customer=target, version=F("version") + 1, updated_by=actor, updated_at=now
    )
    change = {"customer": [f"{source.name} (#{source.pk})", f"{target.name} (#{target.pk})"]}
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                ticket_id=pk,
                kind=EventKind.EDITED,
                actor=actor,
                at=now,
                data={"changed": change, "merged_customer": source.pk},
            )
            for pk in ids
        ]
    )
    return [number for _pk, number in orders]
