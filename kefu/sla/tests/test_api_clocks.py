"""SLA clocks in the work-order API: the order's clocks with their state at answer time, the
list's running clocks in one query per page, the due sort of the queues, and the same
visibility as the order (R-ORG-3). Orders are built through the actions, time is frozen."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.dateparse import parse_datetime

from kefu.sla.choices import ClockState, TargetKind
from kefu.sla.models import Clock
from kefu.sla.services import clocks_of
from kefu.sla.sweep import sweep
from kefu.sla.tests.conftest import cst
from kefu.tickets import actions
from kefu.tickets.tests.api_fixtures import Api, complaint

K = TargetKind


def when(text):
    return parse_datetime(text)


def by_kind(clocks):
    return {c["kind"]: c for c in clocks}


def test_a_fresh_a1_complaint_carries_its_dispatch_and_resolve_clocks(frozen, staff, register):
    """R-WO-4: dispatched within the hour of receipt; R-SLA-2: resolved within three working
    days (received Monday 09:00 → due 24:00 on Thursday)."""
    received = frozen.now
    frozen.advance(minutes=5)
    ticket = register("A1", "III", received_at=received)

    body = Api(staff["agent"]).ticket(ticket.number)

    clocks = by_kind(body["sla_clocks"])
    assert set(clocks) == {K.DISPATCH, K.RESOLVE}
    dispatch, resolve = clocks[K.DISPATCH], clocks[K.RESOLVE]
    assert when(dispatch["started_at"]) == received
    assert when(dispatch["due_at"]) == received + timedelta(hours=1)
    assert when(dispatch["warn_at"]) == received + timedelta(minutes=48)  # 80 %
    assert when(resolve["due_at"]) == cst(2026, 3, 6)
    assert body["sla_due_at"] is not None
    assert when(body["sla_due_at"]) == received + timedelta(hours=1)  # the soonest running
    for clock in (dispatch, resolve):
        assert clock["state"] == ClockState.RUNNING
        assert clock["policy"] == "A1 客户投诉"  # from the snapshot taken at start
        assert clock["paused_seconds"] == 0
        for stamp in ("paused_at", "met_at", "breached_at", "cancelled_at"):
            assert clock[stamp] is None, stamp
        for stamp in ("warned_at", "alarmed_at", "escalated_at"):  # the sweep has not run
            assert clock[stamp] is None, stamp
    with translation.override("zh-hans"):  # the API answers in the center's default language
        assert dispatch["kind_label"] == str(K.DISPATCH.label)
        assert dispatch["state_label"] == str(ClockState.RUNNING.label)


def test_warned_then_breached_clock_shows_its_state_and_the_sweep_stamps(frozen, staff, register):
    """R-SLA-5: at 80 % of the time the clock is near its limit, at 100 % overdue; the API
    shows the state at the moment of the request and the warning/alarm the sweep raised."""
    ticket = register("A1", "III")
    api = Api(staff["senior"])
    start = frozen.now

    frozen.set(start + timedelta(minutes=50))
    dispatch = by_kind(api.ticket(ticket.number)["sla_clocks"])[K.DISPATCH]
    assert dispatch["state"] == ClockState.WARNED  # the state follows the time, sweep or not
    assert dispatch["warned_at"] is None
    sweep()
    dispatch = by_kind(api.ticket(ticket.number)["sla_clocks"])[K.DISPATCH]
    assert dispatch["state"] == ClockState.WARNED
    assert when(dispatch["warned_at"]) == frozen.now

    frozen.set(start + timedelta(hours=1, minutes=1))
    sweep()
    body = api.ticket(ticket.number)
    dispatch = by_kind(body["sla_clocks"])[K.DISPATCH]
    assert dispatch["state"] == ClockState.BREACHED
    assert when(dispatch["breached_at"]) == start + timedelta(hours=1)
    assert when(dispatch["alarmed_at"]) == frozen.now
    assert when(dispatch["escalated_at"]) == frozen.now  # the seeded policy escalates (R-ESC-2)
    assert by_kind(body["sla_clocks"])[K.RESOLVE]["state"] == ClockState.RUNNING
    # The list says the same, judged at the same moment.
    row = next(r for r in api.get("/tickets").json()["items"] if r["number"] == ticket.number)
    assert by_kind(row["sla_clocks"])[K.DISPATCH]["state"] == ClockState.BREACHED


def test_a_met_clock_stays_on_the_order_but_leaves_the_list(frozen, staff, dispatched):
    """Dispatching meets the dispatch clock and starts the handler's R-SLA-1 clocks."""
    ticket = dispatched("A1", "III")
    api = Api(staff["senior"])

    detail = by_kind(api.ticket(ticket.number)["sla_clocks"])
    assert detail[K.DISPATCH]["state"] == ClockState.MET
    assert when(detail[K.DISPATCH]["met_at"]) == frozen.now
    assert {K.CALL_BACK, K.ON_SITE, K.FEEDBACK, K.RESOLVE} <= set(detail)

    row = next(r for r in api.get("/tickets").json()["items"] if r["number"] == ticket.number)
    listed = [c["kind"] for c in row["sla_clocks"]]
    assert K.DISPATCH not in listed
    assert listed[0] == K.CALL_BACK  # soonest due first: 10 minutes
    assert when(row["sla_due_at"]) == frozen.now + timedelta(minutes=10)
    assert when(row["sla_clocks"][0]["due_at"]) == frozen.now + timedelta(minutes=10)


def test_an_order_without_clocks_has_none(frozen, staff, register):
    inquiry = register("E", "")  # a phone inquiry: no policy sets a running target for it
    body = Api(staff["agent"]).ticket(inquiry.number)
    assert body["sla_clocks"] == []
    assert body["sla_due_at"] is None


def test_the_list_reads_the_clocks_of_a_page_in_one_query(
    frozen, staff, register, django_assert_max_num_queries
):
    """STYLE §7: no query per row. 5 or 50 rows, each with clocks, cost the same."""
    for i in range(50):
        register("A1", "III", received_at=frozen.now - timedelta(minutes=i))
    api = Api(staff["senior"])
    api.get("/tickets")  # warm-up: the first request of a test pays for one-off look-ups

    counts = []
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            items = api.get("/tickets", {"limit": limit}).json()["items"]
        assert len(items) == limit
        assert all(len(item["sla_clocks"]) == 2 for item in items)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The token, the page, its clocks (roles and permissions are cached since the warm-up).
    with django_assert_max_num_queries(3):
        api.get("/tickets", {"limit": 50})


def test_sort_by_due_puts_the_most_urgent_first_in_keyset_pages(frozen, staff, register):
    """The queues' "due soonest" sort: orders without a running clock are left out."""
    late = register("A1", "III", received_at=frozen.now - timedelta(minutes=5))
    urgent = register("A1", "III", received_at=frozen.now - timedelta(minutes=40))
    middle = register("A1", "III", received_at=frozen.now - timedelta(minutes=20))
    inquiry = register("E", "")  # no clock: not in the due sort
    api = Api(staff["senior"])

    first = api.get("/tickets", {"sort": "due", "limit": 2}).json()
    second = api.get("/tickets", {"sort": "due", "limit": 2, "cursor": first["next_cursor"]})
    second_body = second.json()
    numbers = [r["number"] for r in first["items"] + second_body["items"]]
    assert numbers == [urgent.number, middle.number, late.number]
    assert second_body["next_cursor"] is None
    dues = [when(r["sla_due_at"]) for r in first["items"] + second_body["items"]]
    assert dues == sorted(dues)

    newest = api.get("/tickets").json()["items"]  # the default stays newest received first
    assert [r["number"] for r in newest] == [
        inquiry.number,
        late.number,
        middle.number,
        urgent.number,
    ]


def test_an_unknown_sort_is_refused(staff):
    response = Api(staff["senior"]).get("/tickets", {"sort": "priority"})
    assert response.status_code == 422
    assert "sort" in response.json()["errors"]


def test_a_department_handler_sees_clocks_only_on_orders_they_may_see(frozen, staff, dispatched):
    """R-ORG-3: clocks travel with the order and are never shown without it."""
    ours = dispatched("A1", "III")  # routed to 城市客服部, the handler 林涛 (2001)
    handler = Api(staff["handler"])
    assert {c["kind"] for c in handler.ticket(ours.number)["sla_clocks"]} >= {
        K.CALL_BACK,
        K.FEEDBACK,
    }
    rows = handler.get("/tickets", {"queue": "department"}).json()["items"]
    assert [r["number"] for r in rows] == [ours.number]
    assert rows[0]["sla_clocks"]
    assert rows[0]["sla_due_at"] is not None

    other = Api(staff["market_handler"])  # 集团市场部: not their order
    assert other.get(f"/tickets/{ours.number}").status_code == 404
    assert other.get("/tickets", {"queue": "department"}).json()["items"] == []
    assert other.get("/tickets", {"queue": "department", "sort": "due"}).json()["items"] == []
    assert Clock.objects.filter(ticket=ours).exists()  # there were clocks to leak


def test_the_create_answers_with_the_clocks_it_wrote_without_reading_them_back(frozen, staff):
    """A new order's clocks go in with one insert and its answer is built from them: the same
    clocks as a later read, and no query reads clocks during the create."""
    api = Api(staff["agent"])
    with CaptureQueriesContext(connection) as ctx:
        response = api.post("/tickets", complaint())
    assert response.status_code == 201, response.content
    created = response.json()
    clock_sql = [q["sql"] for q in ctx.captured_queries if '"sla_clock"' in q["sql"]]
    assert len(clock_sql) == 1, clock_sql
    assert clock_sql[0].startswith("INSERT")
    assert {c["kind"] for c in created["sla_clocks"]} == {K.DISPATCH, K.RESOLVE}
    assert created["sla_clocks"] == api.ticket(created["number"])["sla_clocks"]
    assert created["sla_due_at"] == api.ticket(created["number"])["sla_due_at"]


def test_clocks_changed_after_registering_are_read_again(frozen, staff, register):
    """The clocks a create wrote stay with the order object only until something may change
    them (R-CB-1: resolving at first contact starts the callback clock)."""
    ticket = register("E", "")
    assert clocks_of(ticket) == []
    resolved = actions.resolve_first_contact(staff["agent"], ticket, "已解答", expected_version=1)
    assert [c.kind for c in clocks_of(resolved)] == [K.CALLBACK_AFTER_COMPLETION]
    ticket.refresh_from_db()
    assert [c.kind for c in clocks_of(ticket)] == [K.CALLBACK_AFTER_COMPLETION]
