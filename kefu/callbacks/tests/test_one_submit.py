"""R-CB-2 + R-CB-3: one callback, one submit. A reached call and the customer's satisfied score
are recorded together, in one transaction; a refused close leaves no half-written call and
brings the form back as typed; without a score (the page without JavaScript) it stays two
steps; a dissatisfied score leads on to the second dispatch (R-CB-4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kefu.callbacks import services
from kefu.callbacks.choices import CallbackStatus, Outcome
from kefu.callbacks.models import Attempt, Callback
from kefu.tickets.choices import Status

from .conftest import fresh


def _post(client: Client, ticket, **data):
    return client.post(
        f"/callbacks/orders/{ticket.number}/attempt/",
        {"version": ticket.version, **data},
        follow=True,
    )


def test_r_cb_3_reached_call_with_satisfied_score_closes_the_order_in_one_submit(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    response = _post(client, ticket, outcome="reached", score="5", comment="上门及时")
    assert response.status_code == 200
    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED
    callback = Callback.objects.get(ticket=ticket)
    assert (callback.status, callback.score, callback.comment) == (
        CallbackStatus.SATISFIED,
        5,
        "上门及时",
    )
    assert list(callback.attempts.values_list("outcome", flat=True)) == [Outcome.REACHED]
    kinds = list(ticket.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-2:] == ["customer_contacted", "closed"]


def test_r_cb_3_refused_close_writes_no_attempt_and_keeps_what_was_typed(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    version = ticket.version
    events = ticket.events.count()
    client.force_login(staff["surveyor"])
    response = _post(
        client,
        ticket,
        outcome="reached",
        note="第二次拨打接通",
        score="4",
        comment="基本满意",
        profile_address="北京路1号",  # no consent: the close is refused
    )
    ticket = fresh(ticket)
    assert ticket.status == Status.PENDING_CALLBACK
    assert (ticket.version, ticket.events.count()) == (version, events)
    assert not Attempt.objects.filter(callback__ticket=ticket).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    page = response.content.decode()
    form = page[page.index('data-testid="callback-attempt"') :]
    form = form[: form.index("</form>")]
    assert "第二次拨打接通" in form
    assert "基本满意" in form
    assert "北京路1号" in form
    assert 'data-testid="field-error-profile_consent"' in form
    # the satisfaction fields come back open: "reached" was typed
    fieldset = form[form.index("<fieldset") : form.index(">", form.index("<fieldset"))]
    assert "hidden" not in fieldset
    assert "disabled" not in fieldset


def test_r_cb_3_service_rolls_back_the_attempt_when_the_close_fails(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    with pytest.raises(ValidationError) as error:
        services.record_call(
            staff["surveyor"],
            ticket,
            Outcome.REACHED,
            score=5,
            profile={"address": "北京路1号"},
            expected_version=ticket.version,
        )
    assert "profile_consent" in error.value.message_dict
    assert not Attempt.objects.filter(callback__ticket=ticket).exists()
    assert not fresh(ticket).events.filter(data__kind="callback_attempt").exists()


def test_r_cb_3_a_score_needs_a_call_that_reached_the_customer(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    with pytest.raises(ValidationError) as error:
        services.record_call(staff["surveyor"], ticket, Outcome.NO_ANSWER, score=5)
    assert "score" in error.value.message_dict
    assert not Attempt.objects.exists()


def test_r_cb_3_without_a_score_it_stays_two_steps(staff, dispatched_to_callback, client: Client):
    """The page without JavaScript: the satisfaction fields are hidden and disabled (not sent);
    the call is recorded, then the result form follows."""
    ticket = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    start = page.index('data-testid="callback-attempt-satisfaction"')
    tag = page[page.rindex("<fieldset", 0, start) : page.index(">", start)]
    assert "hidden" in tag
    assert "disabled" in tag
    assert 'id="attempt_score"' in page
    response = _post(client, ticket, outcome="reached")
    assert fresh(ticket).status == Status.PENDING_CALLBACK
    assert 'data-testid="callback-satisfied"' in response.content.decode()
    ticket = fresh(ticket)
    client.post(
        f"/callbacks/orders/{ticket.number}/satisfied/", {"score": "5", "version": ticket.version}
    )
    assert fresh(ticket).status == Status.CLOSED


def test_r_cb_4_dissatisfied_score_records_the_call_and_opens_the_second_dispatch(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    response = _post(client, ticket, outcome="reached", score="1", comment="还是每天掉线")
    ticket = fresh(ticket)
    assert ticket.status == Status.PENDING_CALLBACK
    assert Attempt.objects.filter(callback__ticket=ticket, outcome=Outcome.REACHED).count() == 1
    page = response.content.decode()
    details = page[page.index('data-testid="callback-second-dispatch"') :]
    assert details[: details.index(">")].endswith(" open")
    form = details[: details.index("</form>")]
    assert '<option value="1" selected>' in form
    assert "还是每天掉线" in form
    assert "field-error-" not in form  # prefilled, not an error
    # the next page load shows it closed again: the prefill is taken once
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    details = page[page.index('data-testid="callback-second-dispatch"') :]
    assert not details[: details.index(">")].endswith(" open")
