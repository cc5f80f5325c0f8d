"""SLA in the workspace: badges and the due sort in the queues, the clocks and escalation moves
on the order page, the SLA report, and the policy / calendar pages of the admin site."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from kefu.sla.choices import TargetKind
from kefu.sla.models import CalendarOverride, Clock
from kefu.sla.services import calendar_gaps
from kefu.sla.sweep import sweep
from kefu.tickets import actions


def test_queues_sort_by_due_with_badges_and_keyset_pages(
    frozen, staff, register, dispatched, as_user, monkeypatch
):
    from kefu.tickets.views import queues

    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    later = register("A1", "III")  # dispatch due in 1 hour
    frozen.advance(minutes=1)
    soonest = dispatched("A1", "III")  # call back due in 10 minutes
    frozen.advance(minutes=1)
    middle = register("A2", "III")  # dispatch due in 1 hour, a minute after `later`
    no_clock = register("E", "")  # an inquiry by phone: no clock runs
    client = as_user(staff["manager"])

    seen: list[str] = []
    params = {"queue": "open", "sort": "due"}
    for _ in range(4):
        response = client.get(reverse("tickets:list"), params)
        assert response.status_code == 200
        seen += [t.number for t in response.context["rows"]]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
        params = {"queue": "open", "sort": "due", "cursor": cursor}
    assert seen == [soonest.number, later.number, middle.number]
    assert no_clock.number not in seen

    page = client.get(reverse("tickets:list"), {"queue": "open", "sort": "due"}).content.decode()
    assert 'data-testid="sla-badge"' in page
    assert "data-sla-due=" in page


def test_the_order_page_shows_its_clocks_and_offers_escalation_to_senior_agents(
    frozen, staff, dispatched, as_user
):
    ticket = dispatched("A1", "III")
    url = reverse("tickets:detail", kwargs={"number": ticket.number})
    page = as_user(staff["senior"]).get(url).content.decode()
    assert 'data-testid="sla-clocks"' in page
    assert str(TargetKind.CALL_BACK.label) in page or "回访" in page
    assert 'data-testid="sla-escalate"' in page
    page = as_user(staff["agent"]).get(url).content.decode()
    assert 'data-testid="sla-clocks"' in page
    assert 'data-testid="sla-escalate"' not in page


def test_escalating_from_the_order_page(frozen, staff, dispatched, as_user):
    ticket = dispatched("A1", "III")
    ticket.refresh_from_db()
    url = reverse("sla:order_action", kwargs={"number": ticket.number, "action": "escalate"})
    refused = as_user(staff["agent"]).post(url, {"version": ticket.version, "text": "催"})
    assert refused.status_code == 403
    done = as_user(staff["senior"]).post(url, {"version": ticket.version, "text": "客户三次来电"})
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.escalated_to == staff["handler_head"]
    # A stale form is refused with a message, not applied twice.
    as_user(staff["senior"]).post(url, {"version": ticket.version - 1, "text": "again"})
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1


def test_waiting_on_the_customer_from_the_order_page_pauses_and_resumes(
    frozen, staff, dispatched, as_user
):
    ticket = dispatched("A1", "III")
    ticket.refresh_from_db()
    client = as_user(staff["handler"])
    wait = reverse("sla:order_action", kwargs={"number": ticket.number, "action": "wait"})
    client.post(wait, {"version": ticket.version, "text": "等待客户提供地址"})
    assert Clock.objects.get(ticket=ticket, kind=TargetKind.ON_SITE).paused_at == frozen.now
    ticket.refresh_from_db()
    frozen.advance(hours=1)
    responded = reverse("sla:order_action", kwargs={"number": ticket.number, "action": "responded"})
    client.post(responded, {"version": ticket.version, "text": ""})
    clock = Clock.objects.get(ticket=ticket, kind=TargetKind.ON_SITE)
    assert clock.paused_at is None
    assert clock.paused_seconds == 3600


def test_the_sla_report_shows_compliance_and_the_breached_orders(
    frozen, staff, dispatched, as_user
):
    late = dispatched("A1", "III")
    on_time = dispatched("A2", "III")
    actions.log_customer_contact(staff["market_handler"], on_time, "已联系", expected_version=None)
    frozen.advance(minutes=40)
    sweep()
    response = as_user(staff["statistician"]).get(
        reverse("sla:report"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    targets = {r.label: r for r in response.context["groups"]["target"]}
    call_back = targets[str(TargetKind.CALL_BACK.label)]
    assert (call_back.on_time, call_back.breached) == (1, 1)
    assert call_back.compliance == 0.5
    breached = [c.ticket.number for c in response.context["breached"]]
    assert late.number in breached
    assert set(breached) == {late.number}
    assert {r.label for r in response.context["groups"]["type"]} >= {"A1", "A2"}


def test_the_sla_report_is_for_report_viewers_and_policy_owners(staff, as_user):
    assert as_user(staff["agent"]).get(reverse("sla:report")).status_code == 403
    assert as_user(staff["manager"]).get(reverse("sla:report")).status_code == 200
    bad = as_user(staff["statistician"]).get(
        reverse("sla:report"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert bad.status_code == 422


def test_the_report_link_is_in_the_navigation_only_for_those_who_may_open_it(staff, as_user):
    url = reverse("sla:report")
    assert url in as_user(staff["statistician"]).get(reverse("home")).content.decode()
    assert url not in as_user(staff["agent"]).get(reverse("home")).content.decode()


def test_r_sla_3_administrators_are_warned_that_next_year_needs_entering(staff, as_user):
    client = as_user(staff["admin"])
    response = client.get(reverse("admin:sla_calendaroverride_changelist"))
    assert response.status_code == 200
    gaps = calendar_gaps()
    assert gaps, "chinese-calendar 1.11 knows up to 2026; today is in 2026 or later"
    assert str(gaps[-1]) in response.content.decode()
    assert client.get(reverse("admin:sla_policy_changelist")).status_code == 200
    assert client.get(reverse("admin:sla_calendar_changelist")).status_code == 200


def test_administrators_can_watch_the_sweeps_outbox(staff, as_user):
    """docs/operations.md tells administrators to watch Admin → SLA crossings for a stalled
    worker: the page must open for them, and stay closed to agents."""
    url = reverse("admin:sla_crossing_changelist")
    assert as_user(staff["admin"]).get(url).status_code == 200
    assert url in as_user(staff["admin"]).get(reverse("admin:index")).content.decode()
    assert as_user(staff["agent"]).get(url).status_code in {302, 403}


def test_r_sla_3_a_year_counts_as_entered_once_it_has_overrides(db):
    assert calendar_gaps(date(2026, 11, 30)) == [2027]
    CalendarOverride.objects.create(date=date(2027, 2, 6), is_workday=False, note="春节")
    assert calendar_gaps(date(2026, 11, 30)) == []
    assert calendar_gaps(date(2025, 6, 1)) == []


def test_overrides_entered_by_administrators_move_working_day_limits(frozen, dispatched):
    CalendarOverride.objects.create(date=date(2026, 3, 3), is_workday=False, note="地方假日")
    ticket = dispatched("A1", "III")
    resolve = Clock.objects.get(ticket=ticket, kind=TargetKind.RESOLVE)
    assert resolve.due_at - timedelta(days=1) >= resolve.started_at
    from kefu.sla.tests.conftest import cst

    assert resolve.due_at == cst(2026, 3, 7)  # Wed, Thu, Fri: Tuesday is off


def _breaches(frozen, dispatched, count):
    orders = [dispatched("A1", "III") for _ in range(count)]
    frozen.advance(minutes=40)
    sweep()
    return orders


def test_r_rep_4_the_sla_report_exports_to_excel(frozen, staff, dispatched, register, as_user):
    import io

    from openpyxl import load_workbook

    from kefu.sla.report import center_label

    late = _breaches(frozen, dispatched, 1)[0]
    register("A1", "III")  # kept by the center: no department, no handler
    response = as_user(staff["statistician"]).get(
        reverse("sla:report"), {"start": "2026-03-01", "end": "2026-03-31", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="sla-report-20260301-20260331.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6  # summary, four tables, the breached orders
    listing = book[book.sheetnames[-1]]
    numbers = [row[0] for row in listing.iter_rows(min_row=2, values_only=True)]
    assert late.number in numbers
    departments = book[book.sheetnames[3]]
    labels = [row[0] for row in departments.iter_rows(min_row=2, values_only=True)]
    assert center_label() in labels
    assert "—" not in labels


def test_the_center_row_is_named_not_a_dash(frozen, staff, register, as_user):
    from kefu.sla.report import center_label

    register("A1", "III")
    response = as_user(staff["manager"]).get(
        reverse("sla:report"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    for code in ("department", "handler"):
        labels = [r.label for r in response.context["groups"][code]]
        assert center_label() in labels
        assert "—" not in labels


def test_the_breached_orders_are_paged(frozen, staff, dispatched, as_user, monkeypatch):
    from kefu.sla import report

    monkeypatch.setattr(report, "BREACHED_PAGE_SIZE", 2)
    orders = _breaches(frozen, dispatched, 3)
    client = as_user(staff["statistician"])
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    first = client.get(reverse("sla:report"), period)
    assert len(first.context["breached"]) == 2
    assert 'data-testid="sla-breached-next"' in first.content.decode()
    second = client.get(reverse("sla:report"), {**period, "page": 2})
    shown = [c.ticket.number for c in first.context["breached"]] + [
        c.ticket.number for c in second.context["breached"]
    ]
    assert sorted(shown) == sorted(o.number for o in orders)


def test_the_policy_admin_has_short_target_headers(staff, as_user):
    from kefu.sla.models import Policy

    policy = Policy.objects.filter(targets__isnull=False).first()
    page = (
        as_user(staff["manager"])
        .get(reverse("admin:sla_policy_change", args=[policy.pk]))
        .content.decode()
    )
    assert "等待客户期间暂停计时" not in page
    assert "pause while waiting on the customer" not in page.lower()
    assert "R-ESC-4" in page  # the full meaning, as the column's help text
    assert "white-space: nowrap" in page
