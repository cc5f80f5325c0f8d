"""The worker's time-limit notices — warnings 预警, alarms 告警, urges 催单, escalations and the
manager hotline (R-SLA-5, R-ESC-1..3) — reach each person in their own language (the account's,
else the center's), as the notices of people's actions do: one clock, two languages, each
recipient told once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kefu.notifications.models import Notification
from kefu.notifications.services import in_their_languages, notify_many
from kefu.org.models import User
from kefu.sla.choices import TargetKind
from kefu.sla.models import Clock
from kefu.sla.sweep import sweep

K = TargetKind


def speaks(user: User, language: str) -> User:
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


def titles(ticket, event) -> dict[str, str]:
    rows = Notification.objects.filter(ticket=ticket, event=event)
    return dict(rows.values_list("recipient__employee_no", "title"))


def worker_sweep():
    """The worker runs in the center's language (zh-hans), whoever it then tells."""
    with translation.override("zh-hans"):
        return sweep()


@pytest.fixture
def undispatched(frozen, staff, register):
    """An A1 complaint not dispatched yet: its owner 1001 speaks English; the surveyor 1030 and
    the owner's superior, team leader 1010, the center's Chinese."""
    speaks(staff["agent"], "en")
    speaks(staff["surveyor"], "")
    speaks(staff["team_leader"], "zh-hans")
    return register("A1", "III")


def test_it_warns_an_english_speaker_in_english_and_a_chinese_speaker_in_chinese(
    frozen, undispatched
):
    ticket = undispatched
    frozen.advance(minutes=48)
    assert worker_sweep().warned
    told = titles(ticket, "sla.warning")
    assert told["1001"] == f"{ticket.number}: Dispatch due at 03-02 10:00"
    assert told["1030"] == f"{ticket.number}：派单 将于 03-02 10:00 到期"


def test_it_alarms_urges_and_escalates_each_person_in_their_language(frozen, undispatched):
    ticket = undispatched
    frozen.advance(minutes=60)
    assert worker_sweep().escalated
    alarm, urge = titles(ticket, "sla.alarm"), titles(ticket, "sla.urge")
    assert alarm["1001"] == f"{ticket.number}: Dispatch is overdue"
    assert alarm["1010"] == f"{ticket.number}：派单 已超时"
    assert urge["1001"] == f"Urge: {ticket.number} — Dispatch is overdue, act now"
    assert urge["1010"] == f"催单：{ticket.number} — 派单 已超时，请立即处理"

    # R-ESC-1: escalated to the team leader, who is told, and so is the owner.
    leader = User.objects.get(employee_no="1010")
    escalated = Notification.objects.filter(ticket=ticket, event="sla.escalated")
    by_person = {n.recipient.employee_no: n for n in escalated.select_related("recipient")}
    assert by_person["1001"].title == (
        f"{ticket.number} escalated to {leader.name} (Second-line staff)"
    )
    assert by_person["1001"].body.startswith("State a planned resolution time")
    assert by_person["1010"].title == f"{ticket.number} 已升级至 {leader.name}（二线人员）"
    assert by_person["1010"].body.startswith("请填写计划解决时间")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "handed to the manager hotline: Past its time limit"),
        ("", "已转经理热线：已超出时限"),
    ],
)
def test_it_tells_the_manager_hotline_in_its_language(
    frozen, staff, dispatched, language, expected
):
    """R-ESC-3: an A2 complaint has nobody above its handler's unit head: the hotline takes it."""
    speaks(staff["hotline"], language)
    ticket = dispatched("A2", "III")
    frozen.advance(minutes=30)
    worker_sweep()
    assert expected in titles(ticket, "sla.manager_hotline")["1022"]


def test_it_tells_each_person_once_per_step_however_often_it_sweeps(frozen, undispatched):
    ticket = undispatched
    frozen.advance(minutes=48)
    worker_sweep()
    worker_sweep()
    frozen.advance(minutes=12)
    worker_sweep()
    worker_sweep()
    rows = Notification.objects.filter(ticket=ticket).values_list("event", "recipient")
    assert max(Counter(rows).values()) == 1
    assert titles(ticket, "sla.urge")["1001"].startswith("Urge:")

    # One key for both languages' messages: sent again, nobody is told twice.
    people = User.objects.filter(employee_no__in=["1001", "1030"])
    again = in_their_languages(
        people, "sla.warning", lambda: ("x", ""), ticket=ticket, dedupe_key=f"sla:{0}:warning"
    )
    assert len(again) == 2
    assert notify_many(again) == 2
    assert notify_many(again) == 0


def test_the_queries_of_a_sweep_do_not_grow_with_its_recipients_languages(frozen, staff, register):
    def warn(count: int, owner_language: str) -> int:
        speaks(staff["agent"], owner_language)
        tickets = [register("A1", "III") for _ in range(count)]
        clocks = Clock.objects.filter(ticket__in=tickets, kind=K.DISPATCH)
        clocks.update(
            warn_at=frozen.now - timedelta(minutes=1), due_at=frozen.now + timedelta(minutes=5)
        )
        with CaptureQueriesContext(connection) as queries:
            assert len(worker_sweep().warned) == count
        told = titles(tickets[-1], "sla.warning")
        assert ("due at" in told["1001"]) == (owner_language == "en")
        assert "到期" in told["1030"]
        return len(queries)

    one_language = warn(3, "")
    two_languages = warn(3, "en")
    assert two_languages == one_language
    assert warn(6, "en") == one_language
