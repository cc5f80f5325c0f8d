"""Dormant customers, wake-up campaigns and birthday greetings (R-CUS-3).

A customer is dormant (沉睡客户) when nothing has happened with them for the configured period
(``CustomerSettings.dormancy_days``, 180 days by default): no order received and no reached
outbound call since. A wake-up campaign turns a selection of dormant customers into outbound-call
tasks shared out among agents, who record each call's outcome. Birthday greetings are the same
kind of task, created once per customer per year by a daily job.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.choices import REACHED_OUTCOMES, TaskKind, TaskOutcome, TaskStatus
from kefu.customers.models import (
    Campaign,
    Customer,
    CustomerSettings,
    CustomerTask,
    month_day,
)
from kefu.customers.services import touch_activity
from kefu.org.models import User, staff_granted

OUTCOMES_BY_KIND = {
    TaskKind.WAKE_UP: [
        TaskOutcome.INTERESTED,
        TaskOutcome.NOT_INTERESTED,
        TaskOutcome.NO_ANSWER,
        TaskOutcome.WRONG_NUMBER,
        TaskOutcome.DO_NOT_CALL,
    ],
    TaskKind.BIRTHDAY: [
        TaskOutcome.GREETED,
        TaskOutcome.NO_ANSWER,
        TaskOutcome.WRONG_NUMBER,
        TaskOutcome.DO_NOT_CALL,
    ],
}


# --- Dormant customers ---------------------------------------------------------------------------


def dormancy_cutoff(now: Any = None) -> Any:
    return (now or timezone.now()) - timedelta(days=CustomerSettings.current().dormancy_days)


def dormant_customers(now: Any = None) -> QuerySet[Customer]:
    """Current customers with no order and no recorded contact since the cutoff, least recently
    active first; those who asked not to be called are left out."""
    from kefu.tickets.models import Ticket

    cutoff = dormancy_cutoff(now)
    recent_order = Ticket.objects.filter(customer=OuterRef("pk"), received_at__gte=cutoff)
    refused = CustomerTask.objects.filter(customer=OuterRef("pk"), outcome=TaskOutcome.DO_NOT_CALL)
    return (
        Customer.objects.current()
        .filter(
            Q(last_activity_at__lt=cutoff) | Q(last_activity_at__isnull=True, created_at__lt=cutoff)
        )
        .exclude(Exists(recent_order))
        .exclude(Exists(refused))
        .order_by("last_activity_at", "pk")
    )


def assignable_staff() -> QuerySet[User]:
    """Active staff whose roles make outbound calls about customers."""
    return staff_granted("customers.work_tasks").order_by("employee_no")


@transaction.atomic
def start_campaign(
    actor: Any, name: str, customers: Iterable[Customer], assignees: Sequence[User]
) -> Campaign:
    """A wake-up campaign: one outbound-call task per customer, shared out in turn among the
    assignees. A customer who already has an open wake-up call is not called twice."""
    if not actor.has_perm("customers.campaign"):
        raise PermissionDenied(_("You are not allowed to start campaigns."))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the campaign a name.")
    if not assignees:
        errors["assignees"] = _("Choose at least one agent to make the calls.")
    elif any(not a.is_active or not a.has_perm("customers.work_tasks") for a in assignees):
        errors["assignees"] = _("Only active staff who make outbound calls can be assigned.")
    if errors:
        raise ValidationError(errors)
    busy = set(
        CustomerTask.objects.filter(kind=TaskKind.WAKE_UP, status=TaskStatus.OPEN).values_list(
            "customer_id", flat=True
        )
    )
    chosen = [c for c in customers if c.pk not in busy and c.merged_into_id is None]
    if not chosen:
        raise ValidationError({"customers": _("None of these customers can be called now.")})
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name=name.strip()[:100],
        dormancy_days=CustomerSettings.current().dormancy_days,
        created_by=actor,
    )
    CustomerTask.objects.bulk_create(
        [
            CustomerTask(
                customer=customer,
                kind=TaskKind.WAKE_UP,
                campaign=campaign,
                assignee=assignees[i % len(assignees)],
                due_on=today,
                year=today.year,
            )
            for i, customer in enumerate(chosen)
        ]
    )
    return campaign


# --- Birthdays ------------------------------------------------------------------------------------


def birthday_keys(today: date) -> list[int]:
    """Month-day keys celebrated today: 29 February is celebrated on the 28th in other years."""
    keys = [month_day(today) or 0]
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        keys.append(229)
    return keys


def birthdays_on(today: date | None = None) -> QuerySet[Customer]:
    today = today or timezone.localdate()
    return (
        Customer.objects.current()
        .filter(birth_month_day__in=birthday_keys(today))
        .order_by("name", "pk")
    )


@transaction.atomic
def create_birthday_tasks(today: date | None = None) -> int:
    """Today's birthday greeting tasks, once per customer per year (the daily job calls this;
    running it again the same day adds nothing). They start unassigned: whoever has a free
    moment takes one. Returns how many were created."""
    today = today or timezone.localdate()
    if not CustomerSettings.current().birthday_tasks_enabled:
        return 0
    done = CustomerTask.objects.filter(
        customer=OuterRef("pk"), kind=TaskKind.BIRTHDAY, year=today.year
    )
    due = list(birthdays_on(today).exclude(Exists(done)).values_list("pk", flat=True))
    CustomerTask.objects.bulk_create(
        [
            CustomerTask(customer_id=pk, kind=TaskKind.BIRTHDAY, due_on=today, year=today.year)
            for pk in due
        ],
        ignore_conflicts=True,  # two workers on the same day: the constraint keeps one
    )
    return len(due)


# --- Tasks ----------------------------------------------------------------------------------------


def open_tasks_for(user: Any, today: date | None = None) -> QuerySet[CustomerTask]:
    """The user's open calls, plus unassigned birthday greetings due by today."""
    if not user.has_perm("customers.work_tasks"):
        return CustomerTask.objects.none()
    today = today or timezone.localdate()
    return (
        CustomerTask.objects.filter(status=TaskStatus.OPEN, due_on__lte=today)
        .filter(Q(assignee=user) | Q(assignee__isnull=True, kind=TaskKind.BIRTHDAY))
        .select_related("customer", "campaign", "assignee")
        .order_by("due_on", "pk")
    )


def may_work(user: Any, task: CustomerTask) -> bool:
    if not user.has_perm("customers.work_tasks"):
        return False
    return task.assignee_id in (None, user.pk) or user.has_perm("customers.campaign")


@transaction.atomic
def record_outcome(actor: Any, task: CustomerTask, outcome: str, note: str = "") -> CustomerTask:
    """Close an outbound-call task with how the call went. A call that reached the customer is
    activity: they are no longer dormant."""
    locked = CustomerTask.objects.select_for_update().get(pk=task.pk)
    if not may_work(actor, locked):
        raise PermissionDenied(_("This call is assigned to someone else."))
    if locked.status != TaskStatus.OPEN:
        raise ValidationError({"outcome": _("This call was recorded already.")})
    if outcome not in OUTCOMES_BY_KIND[TaskKind(locked.kind)]:
        raise ValidationError(
            {"outcome": _("“%(value)s” is not an outcome of this call.") % {"value": outcome}}
        )
    now = timezone.now()
    locked.status = TaskStatus.DONE
    locked.outcome = outcome
    locked.note = note.strip()
    locked.done_at = now
    locked.done_by = actor
    if locked.assignee_id is None:
        locked.assignee = actor
    locked.save()
    if outcome in REACHED_OUTCOMES:
        touch_activity(locked.customer_id, now)
    return locked
