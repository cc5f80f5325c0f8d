"""The sweep in two parts (R-SLA-5, DESIGN "exactly-once"): the set-based stamp records what
crossed in crossing batches, and the delivery writes each batch's effects once — also when the
worker died between the two, and also when one clock's effects fail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.notifications.models import Notification
from kefu.sla import sweep as sweep_module
from kefu.sla.models import Clock, CrossingBatch
from kefu.sla.sweep import deliver, stamp
from kefu.tickets.choices import EventKind
from kefu.tickets.models import TimelineEvent


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(sweep_module, "DELIVERY_BATCH", 3)


@pytest.fixture
def crossing(frozen, dispatched):
    """Seven dispatched A1 complaints whose resolve clock has just passed 80 % of its time."""
    tickets = [dispatched("A1", "III") for _ in range(7)]
    clocks = Clock.objects.filter(ticket__in=tickets, kind="resolve")
    clocks.update(warn_at=frozen.now - timedelta(minutes=1), due_at=frozen.now + timedelta(hours=1))
    return sorted(clocks.values_list("pk", flat=True))


def warnings_of(clock_ids):
    return TimelineEvent.objects.filter(kind=EventKind.SLA_WARNING, data__clock__in=clock_ids)


def test_the_stamp_records_batches_and_a_later_delivery_writes_each_effect_once(
    small_batches, frozen, crossing
):
    result = stamp(frozen.now)
    assert result.warned == crossing
    # The worker dies here: the clocks are stamped, their effects not yet written.
    assert Clock.objects.filter(pk__in=crossing, warned_at=frozen.now).count() == 7
    batches = list(CrossingBatch.objects.order_by("pk"))
    assert [b.clock_ids for b in batches] == [crossing[0:3], crossing[3:6], crossing[6:7]]
    assert {b.phase for b in batches} == {CrossingBatch.Phase.WARNING}
    assert not warnings_of(crossing).exists()

    # A later sweep stamps nothing new and delivers what was left.
    later = sweep_module.sweep(frozen.advance(minutes=1))
    assert later.warned == []
    assert later.delivered == 7
    assert sorted(e.data["clock"] for e in warnings_of(crossing)) == crossing
    assert all(e.at == frozen.now - timedelta(minutes=1) for e in warnings_of(crossing))
    assert not CrossingBatch.objects.filter(delivered_at__isnull=True).exists()
    notes = Notification.objects.filter(event="sla.warning").count()
    assert notes >= 7

    assert deliver() == 0
    assert warnings_of(crossing).count() == 7
    assert Notification.objects.filter(event="sla.warning").count() == notes


def test_a_clock_met_after_it_crossed_gets_its_timeline_entry_but_nobody_is_told(frozen, crossing):
    stamp(frozen.now)
    met = crossing[0]
    Clock.objects.filter(pk=met).update(met_at=frozen.now)
    deliver()
    assert warnings_of([met]).count() == 1
    ticket_id = Clock.objects.get(pk=met).ticket_id
    assert not Notification.objects.filter(event="sla.warning", ticket_id=ticket_id).exists()
    others = Clock.objects.filter(pk__in=crossing[1:]).values_list("ticket_id", flat=True)
    assert Notification.objects.filter(event="sla.warning", ticket_id__in=others).exists()


def test_one_clock_whose_effects_fail_is_recorded_and_the_rest_of_its_batch_delivered(
    small_batches, frozen, crossing, monkeypatch
):
    bad = crossing[1]
    real_warn = sweep_module.EFFECTS[CrossingBatch.Phase.WARNING]

    def warn(clocks, at, system):
        if any(c.pk == bad for c in clocks):
            raise RuntimeError("mail server on fire")
        real_warn(clocks, at, system)

    monkeypatch.setitem(sweep_module.EFFECTS, CrossingBatch.Phase.WARNING, warn)
    stamp(frozen.now)
    assert deliver() == 7
    delivered = sorted(e.data["clock"] for e in warnings_of(crossing))
    assert delivered == [pk for pk in crossing if pk != bad]
    first = CrossingBatch.objects.order_by("pk").first()
    assert first.delivered_at is not None
    assert first.errors.startswith(f"{bad}: RuntimeError: mail server on fire")
    # Not retried every minute: the batch is done, its error kept for the administrator.
    assert deliver() == 0
