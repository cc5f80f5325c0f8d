"""Who may see and touch which work orders (R-ORG-3), as object rules over ``Ticket``.

Three scopes, each a ``Q``:
* own — orders the user took or owns (an agent's queue);
* center — every order for staff who see the whole center, else their own;
* department — orders dispatched to the user's department or a unit below it (handlers).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q
from django.http import Http404

from kefu.core.permissions import object_rule
from kefu.org.models import subtree_ids
from kefu.tickets.models import Ticket
from kefu.tickets.models.ticket import TicketQuerySet

CENTER_SIDE_PERMS = (
    "tickets.hand_over",
    "tickets.resolve_first_contact",
    "tickets.draft_dispatch",
    "tickets.dispatch",
    "tickets.review",
    "tickets.confirm",
    "tickets.mark_urgent",
    "tickets.edit",
    "tickets.reopen",
    "callbacks.make",
)
HANDLER_PERMS = ("tickets.accept", "tickets.feedback", "tickets.ask_superior")
NOTHING = Q(pk__in=[])


def department_ids(user: Any) -> list[int]:
    """The user's department and every unit below it (the tree is small: one query)."""
    cached: list[int] | None = getattr(user, "_department_subtree", None)
    if cached is not None:
        return cached
    ids = subtree_ids(user.department_id) if user.department_id else []
    user._department_subtree = ids
    return ids


def own_q(user: Any) -> Q:
    return Q(owner_id=user.pk) | Q(registered_by_id=user.pk)


def center_q(user: Any) -> Q:
    return Q() if user.has_perm("tickets.view_center") else own_q(user)


def department_q(user: Any) -> Q:
    ids = department_ids(user)
    return Q(department_id__in=ids) if ids else NOTHING


def visible_q(user: Any) -> Q | None:
    """Every order the user may read; None if they may read none."""
    if user.is_superuser or user.has_perm("tickets.view_center"):
        return Q()
    scopes = []
    if user.has_perm("tickets.view_own"):
        scopes.append(own_q(user))
    if user.has_perm("tickets.view_department"):
        scopes.append(department_q(user))
    if not scopes:
        return None
    combined = scopes[0]
    for scope in scopes[1:]:
        combined |= scope
    return combined


def visible_or_nothing(user: Any) -> Q:
    # Not ``visible_q(user) or NOTHING``: the empty Q() that means "everything" is falsy.
    condition = visible_q(user)
    return NOTHING if condition is None else condition


def visible_tickets(user: Any) -> TicketQuerySet:
    condition = visible_q(user)
    return Ticket.objects.none() if condition is None else Ticket.objects.filter(condition)


# Joined in the order's query. Each further join multiplies PostgreSQL's planning work: with all
# twelve relations joined, planning took ~18 ms for 0.4 ms of execution (bench/results); with
# five, ~2.6 ms. The others are fetched by primary key.
JOINED = ("call_type", "customer", "owner", "department", "handler")
BY_KEY = (
    ("registered_by", "org.User"),
    ("updated_by", "org.User"),
    ("complained_staff", "org.User"),
    ("request_kind", "tickets.RequestKind"),
    ("business_line", "tickets.BusinessLine"),
    ("nature", "tickets.Nature"),
    ("suggestion_subject", "tickets.SuggestionSubject"),
)


def access_ticket(user: Any, number: str) -> Ticket:
    """Fetch an order by number if the user may see it; 404 otherwise (no probing for numbers)."""
    try:
        ticket = visible_tickets(user).select_related(*JOINED).get(number=number)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    wanted: dict[str, set[int]] = {}
    for name, label in BY_KEY:
        pk = getattr(ticket, f"{name}_id")
        if pk is not None:
            wanted.setdefault(label, set()).add(pk)
    found = {label: apps.get_model(label).objects.in_bulk(pks) for label, pks in wanted.items()}
    for name, label in BY_KEY:
        pk = getattr(ticket, f"{name}_id")
        setattr(ticket, name, found[label][pk] if pk is not None else None)
    return ticket


# The same rules over an order in memory, so that checking a loaded order costs no query.
# test_access.py holds each pair to agreement over the demo center.


def is_own(user: Any, ticket: Ticket) -> bool:
    return user.pk in (ticket.owner_id, ticket.registered_by_id)


def is_center_reach(user: Any, ticket: Ticket) -> bool:
    return user.has_perm("tickets.view_center") or is_own(user, ticket)


def is_department_reach(user: Any, ticket: Ticket) -> bool:
    return ticket.department_id is not None and ticket.department_id in department_ids(user)


def is_visible(user: Any, ticket: Ticket) -> bool:
    if user.is_superuser or user.has_perm("tickets.view_center"):
        return True
    return (user.has_perm("tickets.view_own") and is_own(user, ticket)) or (
        user.has_perm("tickets.view_department") and is_department_reach(user, ticket)
    )


object_rule("tickets.view_own", Ticket, check=is_own)(own_q)
object_rule("tickets.view_department", Ticket, check=is_department_reach)(department_q)
object_rule("tickets.add_note", Ticket, check=is_visible)(visible_or_nothing)
for _perm in CENTER_SIDE_PERMS:
    object_rule(_perm, Ticket, check=is_center_reach)(center_q)
for _perm in HANDLER_PERMS:
    object_rule(_perm, Ticket, check=is_department_reach)(department_q)
