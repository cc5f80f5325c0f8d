"""The sweep in two parts (R-SLA-5, DESIGN "exactly-once"): the set-based record of what crossed
(an outbox of crossings), and the delivery that writes each crossing's effects once — also when
the worker died between the two, and also when one clock's effects fail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.notifications.models import Notification
from kefu.sla import sweep as sweep_module
from kefu.sla.models import Clock, Crossing
from kefu.sla.sweep import deliver, record
from kefu.tickets.choices import EventKind
from kefu.tickets.models import TimelineEvent


@pytest.fixture
def crossing(frozen, dispatched):
    """Seven dispatched A1 complaints whose resolve clock has just passed 80 % of its time."""
    tickets = [dispatched("A1", "III") for _ in range(7)]
    clocks = Clock.objects.filter(ticket__in=tickets, kind="resolve")
    clocks.update(warn_at=frozen.now - timedelta(minutes=1), due_at=frozen.now + timedelta(hours=1))
    return sorted(clocks.values_list("pk", flat=True))


def warnings_of(clock_ids):
    return TimelineEvent.objects.filter(kind=EventKind.SLA_WARNING, data__clock__in=clock_ids)


def test_the_record_is_set_based_and_a_later_delivery_writes_each_effect_once(frozen, crossing):
    result = record(frozen.now, batch=3)  # three statements: three, three and one
    assert result.warned == crossing
    # The worker dies here: the crossings are recorded, their effects not yet written.
    assert sorted(Crossing.objects.values_list("clock_id", flat=True)) == crossing
    assert not Clock.objects.filter(pk__in=crossing, warned_at__isnull=False).exists()
    assert not warnings_of(crossing).exists()
    # Found once: a second record (another worker, the next minute) adds nothing.
    assert record(frozen.now).warned == []

    # A later sweep records nothing new and delivers what was left.
    later = sweep_module.sweep(frozen.advance(minutes=1))
    assert later.warned == []
    assert later.delivered == 7
    assert sorted(e.data["clock"] for e in warnings_of(crossing)) == crossing
    crossed_at = frozen.now - timedelta(minutes=1)
    assert all(e.at == crossed_at for e in warnings_of(crossing))
    assert Clock.objects.filter(pk__in=crossing, warned_at=crossed_at).count() == 7
    assert not Crossing.objects.exists()  # delivered: gone from the outbox
    notes = Notification.objects.filter(event="sla.warning").count()
    assert notes >= 7

    assert deliver().delivered == 0
    assert warnings_of(crossing).count() == 7
    assert Notification.objects.filter(event="sla.warning").count() == notes


def test_a_clock_met_after_it_crossed_gets_its_timeline_entry_but_nobody_is_told(frozen, crossing):
    record(frozen.now)
    met = crossing[0]
    Clock.objects.filter(pk=met).update(met_at=frozen.now)
    deliver()
    assert warnings_of([met]).count() == 1
    ticket_id = Clock.objects.get(pk=met).ticket_id
    assert not Notification.objects.filter(event="sla.warning", ticket_id=ticket_id).exists()
    others = Clock.objects.filter(pk__in=crossing[1:]).values_list("ticket_id", flat=True)
    assert Notification.objects.filter(event="sla.warning", ticket_id__in=others).exists()


def test_one_crossing_whose_effects_fail_is_marked_and_the_rest_of_its_batch_delivered(
    frozen, crossing, monkeypatch
):
    bad = crossing[1]
    real_warn = sweep_module._warn

    def warn(crossings, system):
        if any(c.clock_id == bad for c in crossings):
            raise RuntimeError("mail server on fire")
        real_warn(crossings, system)

    monkeypatch.setattr(sweep_module, "_warn", warn)
    record(frozen.now)
    assert deliver(batch=3).delivered == 7
    delivered = sorted(e.data["clock"] for e in warnings_of(crossing))
    assert delivered == [pk for pk in crossing if pk != bad]
    failed = Crossing.objects.get(clock_id=bad)
    assert failed.delivered_at is not None
    assert failed.error == "RuntimeError: mail server on fire"
    assert Clock.objects.get(pk=bad).warned_at is None  # its effects, stamp included, undone
    # Not retried every minute: the crossing is done, its error kept for the administrator.
    assert deliver().delivered == 0
