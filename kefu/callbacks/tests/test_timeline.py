"""The callback module's timeline texts are translatable and shown in the reader's language."""

from __future__ import annotations

from django.utils import translation

from kefu.callbacks import services, timeline
from kefu.callbacks.choices import Outcome, SecondaryReason
from kefu.callbacks.templatetags.callbacks import callback_event_text
from kefu.tickets.models import TimelineEvent

from .conftest import fresh


def test_attempt_event_keeps_its_facts_and_renders_in_the_readers_language(
    staff, resolved_to_callback
):
    ticket = resolved_to_callback()
    with translation.override("en"):
        services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED, "客户接听")
    event = TimelineEvent.objects.get(ticket=ticket, data__kind="callback_attempt")
    assert event.body == "Callback attempt: Reached\n客户接听"
    assert event.data["outcome"] == "reached"
    with translation.override("zh-hans"):
        text = callback_event_text(event)
    # rendered now, in the reader's language: the outcome's label (the new msgid of the
    # sentence waits for the lead's translation)
    assert "Reached" not in text
    assert "已联系上" in text
    assert text.endswith("\n客户接听")
    with translation.override("en"):
        assert callback_event_text(event) == "Callback attempt: Reached\n客户接听"


def test_problem_back_warning_and_secondary_render_from_data():
    with translation.override("en"):
        assert timeline.describe({"kind": "problem_back", "cause": "爽约", "remedy": "致歉"}) == (
            "Cause: 爽约\nApology, explanation or remedy: 致歉"
        )
        assert (
            timeline.describe(
                {"kind": "department_warning", "warned_department": "城市客服部", "text": "警告"}
            )
            == "Written warning to 城市客服部: 警告"
        )
        assert (
            timeline.describe(
                {"kind": "secondary_complaint", "secondary": "D-1", "reason": "handling"}
            )
            == f"Secondary complaint D-1: {SecondaryReason.HANDLING.label}"
        )
    # an event written before the data carried the facts: the stored body is shown
    assert timeline.describe({"kind": "department_warning", "warning": 3}) is None
    assert timeline.describe({"kind": "other"}) is None


def test_second_dispatch_events_carry_their_facts(staff, dispatched_to_callback):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    services.second_dispatch(
        staff["surveyor"],
        fresh(ticket),
        services.ProblemBack(score=2, cause="爽约", remedy="致歉", warning="警告"),
    )
    back = TimelineEvent.objects.get(ticket=ticket, data__kind="problem_back")
    warned = TimelineEvent.objects.get(ticket=ticket, data__kind="department_warning")
    assert (back.data["cause"], back.data["remedy"]) == ("爽约", "致歉")
    assert (warned.data["warned_department"], warned.data["text"]) == ("城市客服部", "警告")
