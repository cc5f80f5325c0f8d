"""Escalation (R-ESC-1..3) and waiting on the customer (R-ESC-4).

* ``escalate`` moves an order one step up the path (front-line desk → second-line staff →
  department head → higher experts): the next superior of whoever it waits on is named on the
  order, told, and an escalation record holds the customer-notification task.
* ``hand_to_manager_hotline`` gives overdue, repeated and refused complaints to the manager
  hotline.
* ``plan_resolution`` records the receiving side's planned resolution time; ``inform_customer``
  completes the task of telling the customer (R-ESC-1, R-SLA-4).
* ``wait_on_customer`` / ``customer_responded`` pause and resume the clocks whose policy says
  so (R-ESC-4).

The SLA sweep calls ``escalate`` and ``hand_to_manager_hotline`` with the system account (系统);
staff call them with their own, and need ``tickets.escalate``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition
from kefu.org.models import User
from kefu.sla.choices import (
    EVENT_ESCALATED,
    EVENT_MANAGER_HOTLINE,
    SYSTEM_EMPLOYEE_NO,
)
from kefu.tickets.actions._base import (
    FUTURE_TOLERANCE,
    _bump,
    _event,
    _lock,
    _require,
    _required_text,
)
from kefu.tickets.choices import (
    ESCALATION_LEVELS,
    EscalationKind,
    EscalationReason,
    EventKind,
    Status,
    Visibility,
)
from kefu.tickets.models import Escalation, Ticket

TOP_LEVEL = len(ESCALATION_LEVELS) - 1


def is_system(actor: User) -> bool:
    return actor.employee_no == SYSTEM_EMPLOYEE_NO


def _require_staff_or_system(actor: User, perm: str, ticket: Ticket) -> None:
    if not is_system(actor):
        _require(actor, perm, ticket)


def _open_order(ticket: Ticket, expected_version: int | None) -> Ticket:
    locked = _lock(ticket, expected_version)
    if locked.status == Status.CLOSED:
        raise IllegalTransition(_("A closed order cannot be escalated."))
    return locked


@transaction.atomic
def escalate(
    actor: User,
    ticket: Ticket,
    note: str = "",
    *,
    reason: str = EscalationReason.MANUAL,
    sla_kind: str = "",
    expected_version: int | None = None,
) -> Escalation:
    """One step up the escalation path (R-ESC-1, R-ESC-2).

    When there is nobody above — the top of the path or the top of the organisation — an
    overdue order goes to the manager hotline instead (R-ESC-3).
    """
    from kefu.sla import services

    _require_staff_or_system(actor, "tickets.escalate", ticket)
    if reason not in EscalationReason.values:
        raise ValidationError({"reason": _("Choose a valid reason.")})
    locked = _open_order(ticket, expected_version)
    current = locked.escalated_to or services.responsible_person(locked)
    target = next_up(locked, current)
    if target is None or locked.escalation_level >= TOP_LEVEL:
        if is_system(actor) or reason == EscalationReason.OVERDUE:
            return _to_hotline(actor, locked, reason, note, sla_kind)
        raise IllegalTransition(
            _("There is nobody further up the path; hand the order to the manager hotline.")
        )
    locked.escalation_level += 1
    locked.escalated_to = target
    _bump(locked, actor)
    record = Escalation.objects.create(
        ticket=locked,
        kind=EscalationKind.STEP,
        reason=reason,
        level=locked.escalation_level,
        from_user=current,
        to_user=target,
        at=timezone.now(),
        actor=actor,
        note=note.strip(),
        sla_kind=sla_kind,
    )
    level_label = str(ESCALATION_LEVELS[locked.escalation_level])
    _event(
        locked,
        actor,
        EventKind.ESCALATED,
        body=note.strip(),
        data={
            "level": locked.escalation_level,
            "level_label": level_label,
            "from": current.name,
            "to": target.name,
            "reason": reason,
            "sla_kind": sla_kind,
        },
    )
    level = ESCALATION_LEVELS[locked.escalation_level]
    services.notify_staff(
        [target, locked.owner],
        EVENT_ESCALATED,
        lambda: (
            _("%(number)s escalated to %(name)s (%(level)s)")
            % {"number": locked.number, "name": target.name, "level": level},
            _("State a planned resolution time; the customer will be told. %(note)s")
            % {"note": note.strip()},
        ),
        ticket=locked,
        dedupe_key=f"escalation:{record.pk}",
    )
    return record


def next_up(ticket: Ticket, person: User) -> User | None:
    """The superior of ``person`` for this order: the head of the unit the order is with, or of
    the person's own unit, climbing the tree past units they head themselves. An inactive
    superior counts as nobody. (The SLA alarm's ``superior_of`` asks this too.)"""
    if ticket.department_id and ticket.handler_id == person.pk:
        node = ticket.department
    elif ticket.escalated_to_id == person.pk and (
        headed := person.headed_departments.order_by("pk").first()
    ):
        node = headed
    else:
        node = person.team or person.department
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        if node.head_id and node.head_id != person.pk and node.head is not None:
            return node.head if node.head.is_active else None
        node = node.parent
    return None


@transaction.atomic
def hand_to_manager_hotline(
    actor: User,
    ticket: Ticket,
    note: str = "",
    *,
    reason: str = EscalationReason.OVERDUE,
    sla_kind: str = "",
    expected_version: int | None = None,
) -> Escalation:
    """R-ESC-3: overdue complaints without an answer, repeated complaints and customers who do
    not accept a correct answer go to the manager hotline."""
    _require_staff_or_system(actor, "tickets.escalate", ticket)
    if reason not in EscalationReason.values or reason == EscalationReason.MANUAL:
        raise ValidationError({"reason": _("Say why: overdue, repeated or answer refused.")})
    if not is_system(actor) and reason != EscalationReason.OVERDUE:
        _required_text(note, "note", _("Say what the customer does not accept, or repeats."))
    locked = _open_order(ticket, expected_version)
    if locked.at_manager_hotline and not is_system(actor):
        raise IllegalTransition(_("The order is already with the manager hotline."))
    # For the sweep, a second overdue clock of an order already at the hotline changes nothing.
    return _to_hotline(actor, locked, reason, note, sla_kind)


def _to_hotline(actor: User, locked: Ticket, reason: str, note: str, sla_kind: str) -> Escalation:
    from kefu.sla import services

    if locked.at_manager_hotline:
        # Already there (a second overdue clock of the same order): nothing to repeat.
        existing = locked.escalations.filter(kind=EscalationKind.MANAGER_HOTLINE).first()
        if existing is not None:
            return existing
    locked.at_manager_hotline = True
    _bump(locked, actor)
    record = Escalation.objects.create(
        ticket=locked,
        kind=EscalationKind.MANAGER_HOTLINE,
        reason=reason,
        level=locked.escalation_level,
        from_user=locked.escalated_to or services.responsible_person(locked),
        at=timezone.now(),
        actor=actor,
        note=note.strip(),
        sla_kind=sla_kind,
    )
    _event(
        locked,
        actor,
        EventKind.MANAGER_HOTLINE,
        body=note.strip(),
        data={"reason": reason, "sla_kind": sla_kind},
    )
    services.notify_staff(
        services.staff_with_role("manager_hotline"),
        EVENT_MANAGER_HOTLINE,
        lambda: (
            _("%(number)s handed to the manager hotline: %(reason)s")
            % {"number": locked.number, "reason": EscalationReason(reason).label},
            note.strip(),
        ),
        ticket=locked,
        dedupe_key=f"escalation:{record.pk}",
    )
    return record


def may_plan(actor: User, ticket: Ticket, record: Escalation) -> bool:
    return (
        record.to_user_id == actor.pk
        or actor.has_perm("tickets.feedback", ticket)
        or (
            record.kind == EscalationKind.MANAGER_HOTLINE
            and actor.has_perm("tickets.take_escalated")
        )
    )


@transaction.atomic
def plan_resolution(
    actor: User,
    record: Escalation,
    planned_at: datetime | None,
    note: str = "",
    *,
    expected_version: int | None,
) -> Escalation:
    """R-ESC-1: the receiving side states when it plans to have the order resolved."""
    ticket = record.ticket
    if not may_plan(actor, ticket, record):
        raise PermissionDenied(_("Only the receiving side states the planned resolution time."))
    if planned_at is None:
        raise ValidationError({"planned_at": _("When do you plan to resolve it?")})
    if planned_at <= timezone.now() - FUTURE_TOLERANCE:
        raise ValidationError({"planned_at": _("The planned time cannot be in the past.")})
    locked = _open_order(ticket, expected_version)
    record = Escalation.objects.select_for_update().get(pk=record.pk)
    record.planned_resolution_at = planned_at
    record.planned_by = actor
    record.save(update_fields=["planned_resolution_at", "planned_by"])
    locked.planned_resolution_at = planned_at
    _bump(locked, actor)
    _event(
        locked,
        actor,
        EventKind.PLANNED_RESOLUTION,
        body=note.strip(),
        data={"planned_at": planned_at.isoformat(), "escalation": record.pk},
    )
    return record


@transaction.atomic
def inform_customer(
    actor: User, record: Escalation, summary: str, *, expected_version: int | None
) -> Escalation:
    """R-ESC-1, R-SLA-4: the customer is told of the escalation (and the planned time)."""
    ticket = record.ticket
    _require(actor, "tickets.add_note", ticket)
    text = _required_text(summary, "summary", _("Write what the customer was told."))
    locked = _lock(ticket, expected_version)
    record = Escalation.objects.select_for_update().get(pk=record.pk)
    if record.customer_informed_at is not None:
        raise IllegalTransition(_("The customer has already been told of this escalation."))
    record.customer_informed_at = timezone.now()
    record.customer_informed_by = actor
    record.save(update_fields=["customer_informed_at", "customer_informed_by"])
    _bump(locked, actor)
    _event(
        locked,
        actor,
        EventKind.CUSTOMER_INFORMED,
        body=text,
        visibility=Visibility.CUSTOMER,
        data={"escalation": record.pk},
    )
    return record


@transaction.atomic
def wait_on_customer(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None
) -> Ticket:
    """R-ESC-4: the order waits on the customer (documents, a visit date); clocks whose policy
    says so stop counting until the customer responds."""
    _require(actor, "tickets.add_note", ticket)
    text = _required_text(reason, "reason", _("Say what the customer is to provide."))
    locked = _open_order(ticket, expected_version)
    if locked.waiting_on_customer:
        raise IllegalTransition(_("The order is already waiting on the customer."))
    locked.waiting_on_customer = True
    _bump(locked, actor)
    _event(locked, actor, EventKind.WAITING_ON_CUSTOMER, body=text)
    return locked


@transaction.atomic
def customer_responded(
    actor: User, ticket: Ticket, note: str = "", *, expected_version: int | None
) -> Ticket:
    _require(actor, "tickets.add_note", ticket)
    locked = _lock(ticket, expected_version)
    if not locked.waiting_on_customer:
        raise IllegalTransition(_("The order is not waiting on the customer."))
    locked.waiting_on_customer = False
    _bump(locked, actor)
    _event(locked, actor, EventKind.CUSTOMER_RESPONDED, body=note.strip())
    return locked
