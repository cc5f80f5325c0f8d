"""R-CB-1..4: the callback queue and its due time, attempts, unreachable, satisfaction, and the
second dispatch with its department warning; R-WO-8 confirmation leads to the callback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from kefu.callbacks import reports, services
from kefu.callbacks.choices import CallbackStatus, Outcome
from kefu.callbacks.models import Callback, CallbackSettings, DepartmentWarning, SecondDispatch
from kefu.core.errors import IllegalTransition, StaleObject
from kefu.notifications.models import Notification
from kefu.sla.models import Clock
from kefu.tickets import actions
from kefu.tickets.choices import DraftKind, Status
from kefu.tickets.models import TimelineEvent

from .conftest import fresh, handled


def _problem(**kw):
    values = {
        "score": 2,
        "cause": "维修人员未按约定时间上门",
        "remedy": "致歉并承诺当天重新上门",
        "warning": "未按约定上门，予以书面警告",
    }
    values.update(kw)
    return services.ProblemBack(**values)


# --- R-CB-1: every completed order owes a callback within 72 hours --------------------------


def test_r_cb_1_confirmed_order_enters_the_queue_with_sla_due_time(dispatched_to_callback):
    ticket = dispatched_to_callback()
    assert ticket.status == Status.PENDING_CALLBACK
    callback = Callback.objects.get(ticket=ticket)
    clock = Clock.objects.get(ticket=ticket, kind="callback_after_completion")
    assert callback.status == CallbackStatus.OPEN
    assert callback.due_from_sla is True
    assert callback.due_at == clock.due_at
    assert callback.due_at - callback.completed_at == timedelta(hours=72)
    assert callback.department.code == "city-service"


def test_r_cb_1_first_contact_resolution_also_owes_a_callback(resolved_to_callback):
    ticket = resolved_to_callback()
    assert Callback.objects.get(ticket=ticket).status == CallbackStatus.OPEN


def test_r_cb_1_without_an_sla_clock_the_configured_hours_apply(resolved_to_callback):
    settings = CallbackSettings.current()
    settings.due_hours = 48
    settings.save()
    Clock.objects.filter(kind="callback_after_completion").delete()
    ticket = resolved_to_callback()
    Clock.objects.filter(ticket=ticket, kind="callback_after_completion").delete()
    completed = timezone.now()
    due, from_sla = services.callback_due(ticket, completed)
    assert (due - completed, from_sla) == (timedelta(hours=48), False)


def test_r_cb_1_settings_are_seeded_with_the_rulebook_numbers(db):
    settings = CallbackSettings.current()
    assert (settings.due_hours, settings.max_failed_attempts) == (72, 3)
    assert settings.monthly_report_day == 20
    assert settings.target_callback_rate == 100


def test_r_cb_1_queue_page_lists_orders_soonest_due_first(
    staff, dispatched_to_callback, resolved_to_callback, client: Client
):
    first = resolved_to_callback()
    second = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    body = client.get("/callbacks/").content.decode()
    assert body.index(first.number) < body.index(second.number)
    assert 'data-testid="rates-30"' in body


def test_r_cb_1_queue_page_needs_callback_permission(staff, client: Client):
    client.force_login(staff["handler"])
    assert client.get("/callbacks/").status_code == 403


def test_r_cb_1_callback_rate_and_on_time_rate(staff, resolved_to_callback):
    on_time = resolved_to_callback()
    late = resolved_to_callback(contact_phone="+8613900000001")
    open_one = resolved_to_callback(contact_phone="+8613900000002")
    for t in (on_time, late):
        services.record_attempt(staff["surveyor"], t, Outcome.REACHED)
        services.close_satisfied(staff["surveyor"], fresh(t), score=5)
    Callback.objects.filter(ticket=late).update(due_at=timezone.now() - timedelta(hours=1))
    rates = reports.callback_rates()
    assert (rates.due, rates.done, rates.on_time) == (3, 2, 1)
    assert rates.callback_rate == pytest.approx(66.7)
    assert rates.on_time_rate == 50.0
    assert Callback.objects.get(ticket=open_one).status == CallbackStatus.OPEN


# --- R-CB-2: attempts and closing as unreachable ------------------------------------------------


def test_r_cb_2_attempt_is_recorded_with_time_and_outcome(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    attempt = services.record_attempt(
        staff["surveyor"], ticket, Outcome.BUSY, "占线", expected_version=ticket.version
    )
    assert attempt.outcome == Outcome.BUSY
    assert attempt.surveyor == staff["surveyor"]
    event = TimelineEvent.objects.filter(ticket=ticket, data__kind="callback_attempt").get()
    assert event.data["outcome"] == "busy"


def test_r_cb_2_attempt_refuses_unknown_outcome_and_stale_version(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    with pytest.raises(ValidationError) as error:
        services.record_attempt(staff["surveyor"], ticket, "voicemail")
    assert "outcome" in error.value.message_dict
    with pytest.raises(StaleObject):
        services.record_attempt(
            staff["surveyor"], ticket, Outcome.BUSY, expected_version=ticket.version - 1
        )


def test_r_cb_2_only_orders_awaiting_callback(staff, register):
    ticket = register(level="III")
    with pytest.raises(IllegalTransition):
        services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)


def test_r_cb_2_handler_cannot_make_callbacks(staff, dispatched_to_callback):
    ticket = dispatched_to_callback()
    with pytest.raises(PermissionDenied):
        services.record_attempt(staff["handler"], ticket, Outcome.REACHED)


def test_r_cb_2_unreachable_only_after_three_failed_attempts(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    for outcome in (Outcome.NO_ANSWER, Outcome.BUSY):
        services.record_attempt(staff["surveyor"], ticket, outcome)
    with pytest.raises(ValidationError):
        services.close_unreachable(staff["surveyor"], fresh(ticket), "打不通")
    services.record_attempt(staff["surveyor"], ticket, Outcome.REFUSED)
    callback = services.close_unreachable(staff["surveyor"], fresh(ticket), "三次未接通")
    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED
    assert callback.status == CallbackStatus.UNREACHABLE
    assert callback.unreachable_reason == "三次未接通"
    closed = ticket.events.get(kind="closed")
    assert "三次未接通" in closed.body


def test_r_cb_2_wrong_number_allows_closing_at_once(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.WRONG_NUMBER)
    services.close_unreachable(staff["surveyor"], fresh(ticket), "号码错误")
    assert fresh(ticket).status == Status.CLOSED


def test_r_cb_2_number_of_attempts_is_configuration(staff, resolved_to_callback):
    settings = CallbackSettings.current()
    settings.max_failed_attempts = 5
    settings.save()
    ticket = resolved_to_callback()
    for _ in range(4):
        services.record_attempt(staff["surveyor"], ticket, Outcome.NO_ANSWER)
    with pytest.raises(ValidationError):
        services.close_unreachable(staff["surveyor"], fresh(ticket), "未接通")
    services.record_attempt(staff["surveyor"], ticket, Outcome.NO_ANSWER)
    services.close_unreachable(staff["surveyor"], fresh(ticket), "五次未接通")


def test_r_cb_2_unreachable_needs_a_reason(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.WRONG_NUMBER)
    with pytest.raises(ValidationError) as error:
        services.close_unreachable(staff["surveyor"], fresh(ticket), "  ")
    assert "reason" in error.value.message_dict


# --- R-CB-3: satisfaction and profile details -----------------------------------------------------


def test_r_cb_3_satisfied_customer_closes_the_order(staff, dispatched_to_callback):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    callback = services.close_satisfied(
        staff["surveyor"],
        fresh(ticket),
        score=4,
        comment="上门及时",
        profile_consent=True,
        profile={"email": "chen@example.cn"},
    )
    assert callback.status == CallbackStatus.SATISFIED
    assert (callback.score, callback.comment) == (4, "上门及时")
    assert callback.profile == {"email": "chen@example.cn"}
    assert fresh(ticket).status == Status.CLOSED
    assert Clock.objects.get(ticket=ticket, kind="callback_after_completion").met_at is not None


def test_r_cb_3_score_must_be_on_the_five_point_scale(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    for bad in (0, 6, "x"):
        with pytest.raises(ValidationError) as error:
            services.close_satisfied(staff["surveyor"], fresh(ticket), score=bad)
        assert "score" in error.value.message_dict


def test_r_cb_3_profile_details_need_consent(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with pytest.raises(ValidationError) as error:
        services.close_satisfied(
            staff["surveyor"], fresh(ticket), score=5, profile={"address": "北京路1号"}
        )
    assert "profile_consent" in error.value.message_dict
    assert fresh(ticket).status == Status.PENDING_CALLBACK


def test_r_cb_3_result_needs_a_call_that_reached_the_customer(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.NO_ANSWER)
    with pytest.raises(ValidationError):
        services.close_satisfied(staff["surveyor"], fresh(ticket), score=5)


def test_r_cb_3_dissatisfied_cannot_simply_be_closed(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with pytest.raises(ValidationError):
        services.close_satisfied(staff["surveyor"], fresh(ticket), score=2)


# --- R-CB-4: second dispatch and the department warning ------------------------------------------


def test_r_cb_4_dissatisfied_leads_to_reviewed_second_dispatch(staff, dispatched_to_callback):
    ticket = dispatched_to_callback()
    original = ticket.dispatches.get()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    record = services.second_dispatch(staff["surveyor"], fresh(ticket), _problem())
    ticket = fresh(ticket)
    assert ticket.status == Status.AWAITING_REVIEW
    assert record.draft.kind == DraftKind.REDISPATCH
    assert record.original_dispatch == original
    assert record.callback.status == CallbackStatus.SECOND_DISPATCH
    assert record.callback.score == 2
    # R-WO-3: a senior agent reviews it; then the loop runs again and a new callback is owed.
    actions.approve_draft(staff["senior"], record.draft, expected_version=None)
    ticket = fresh(ticket)
    assert ticket.status == Status.DISPATCHED
    assert ticket.dispatches.count() == 2
    ticket = handled(staff, ticket)
    rounds = list(Callback.objects.filter(ticket=ticket).order_by("round"))
    assert [c.status for c in rounds] == [CallbackStatus.SECOND_DISPATCH, CallbackStatus.OPEN]
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    services.close_satisfied(staff["surveyor"], fresh(ticket), score=5)
    assert fresh(ticket).status == Status.CLOSED


def test_r_cb_4_written_warning_is_counted_for_the_department(staff, dispatched_to_callback):
    ticket = dispatched_to_callback()
    department = ticket.department
    before = services.warning_counts().get(department.pk, 0)
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    record = services.second_dispatch(staff["surveyor"], fresh(ticket), _problem())
    warning = DepartmentWarning.objects.get(second_dispatch=record)
    assert warning.department == department
    assert services.warning_counts()[department.pk] == before + 1
    assert Notification.objects.filter(
        event="callbacks.department_warning", recipient=department.responsible
    ).exists()
    kinds = set(fresh(ticket).events.values_list("data__kind", flat=True))
    assert {"problem_back", "department_warning"} <= kinds


def test_r_cb_4_cause_remedy_and_warning_are_required(staff, dispatched_to_callback):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with pytest.raises(ValidationError) as error:
        services.second_dispatch(
            staff["surveyor"], fresh(ticket), _problem(cause=" ", remedy="", warning="")
        )
    assert {"cause", "remedy", "warning"} <= set(error.value.message_dict)
    assert fresh(ticket).status == Status.PENDING_CALLBACK
    assert not SecondDispatch.objects.exists()


def test_r_cb_4_satisfied_customer_needs_problem_back_for_second_dispatch(
    staff, dispatched_to_callback
):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with pytest.raises(ValidationError):
        services.second_dispatch(staff["surveyor"], fresh(ticket), _problem(score=4))
    record = services.second_dispatch(
        staff["surveyor"], fresh(ticket), _problem(score=4, problem_back=True)
    )
    assert record.problem_back is True


def test_r_cb_4_department_statistics_view_shows_the_count(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    services.second_dispatch(staff["surveyor"], fresh(ticket), _problem())
    client.force_login(staff["surveyor"])
    body = client.get("/callbacks/statistics/").content.decode()
    code = ticket.department.code
    assert f'data-testid="warnings-total-{code}">1<' in body


def test_r_cb_4_panel_moves_through_the_order_page(staff, dispatched_to_callback, client: Client):
    ticket = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="callback-attempt"' in page
    assert 'data-testid="callback-satisfied"' not in page  # nobody reached yet
    client.post(
        f"/callbacks/orders/{ticket.number}/attempt/",
        {"outcome": "reached", "version": ticket.version},
    )
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="callback-satisfied"' in page
    ticket = fresh(ticket)
    client.post(
        f"/callbacks/orders/{ticket.number}/second_dispatch/",
        {
            "score": "1",
            "cause": "未解决",
            "remedy": "致歉",
            "warning": "书面警告",
            "version": ticket.version,
        },
    )
    assert fresh(ticket).status == Status.AWAITING_REVIEW


def test_r_cb_4_form_errors_are_shown_not_swallowed(staff, dispatched_to_callback, client: Client):
    ticket = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    response = client.post(
        f"/callbacks/orders/{ticket.number}/satisfied/", {"score": "5"}, follow=True
    )
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels == ["error"]
    assert fresh(ticket).status == Status.PENDING_CALLBACK


def test_r_cb_1_closing_directly_leaves_the_round_not_done(staff, resolved_to_callback):
    """A close that bypasses the callback (the plain close refuses it now) still counts the
    round as owed and not done."""
    ticket = resolved_to_callback()
    actions.close_after_callback(staff["surveyor"], ticket, "", expected_version=None)
    assert Callback.objects.get(ticket=ticket).status == CallbackStatus.CLOSED_OTHERWISE
    assert reports.callback_rates().done == 0


def test_r_cb_1_queue_page_queries_do_not_grow_with_rows(
    staff, resolved_to_callback, client: Client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff["surveyor"])
    resolved_to_callback()
    with CaptureQueriesContext(connection) as one:
        client.get("/callbacks/")
    for i in range(3):
        ticket = resolved_to_callback(contact_phone=f"+861390000010{i}")
        services.record_attempt(staff["surveyor"], ticket, Outcome.BUSY)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/callbacks/").content.decode()
    assert body.count("data-number=") == 4
    assert len(four.captured_queries) == len(one.captured_queries)
