"""R-CUS-3: dormant customers, wake-up campaigns with outcomes, birthday greetings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.customers import campaigns
from kefu.customers.models import Customer, CustomerSettings, CustomerTask
from kefu.customers.tasks import birthday_tasks
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType
from kefu.tickets.tests.api_fixtures import Api


def idle(customer: Customer, days: int) -> Customer:
    Customer.objects.filter(pk=customer.pk).update(
        last_activity_at=timezone.now() - timedelta(days=days)
    )
    customer.refresh_from_db()
    return customer


def test_r_cus_3_dormancy_follows_the_configured_period(make_customer):
    sleeping = idle(make_customer(name="沉睡", phones=["13800000001"]), 200)
    awake = idle(make_customer(name="活跃", phones=["13800000002"]), 20)
    assert list(campaigns.dormant_customers()) == [sleeping]
    settings = CustomerSettings.current()
    assert settings.dormancy_days == 180  # the seeded default
    settings.dormancy_days = 10
    settings.save()
    assert set(campaigns.dormant_customers()) == {sleeping, awake}


def test_r_cus_3_a_recent_order_wakes_a_customer(staff, make_customer, taxonomy):
    customer = idle(make_customer(), 400)
    assert customer in campaigns.dormant_customers()
    actions.register(
        staff["agent"],
        actions.Registration(
            call_type=CallType.objects.get(code="E"),
            channel=Channel.PHONE,
            title="咨询",
            customer=customer,
        ),
    )
    assert customer not in campaigns.dormant_customers()


def test_r_cus_3_campaign_shares_calls_out_and_records_outcomes(staff, make_customer):
    customers = [
        idle(make_customer(name=f"客户{i}", phones=[f"1380000000{i}"]), 300) for i in range(5)
    ]
    agents = [staff["agent"], staff["agent2"]]
    campaign = campaigns.start_campaign(staff["team_leader"], "唤醒第一批", customers, agents)
    tasks = list(campaign.tasks.order_by("pk"))
    assert [t.assignee for t in tasks] == [agents[0], agents[1], agents[0], agents[1], agents[0]]
    assert list(campaigns.open_tasks_for(staff["agent2"])) == tasks[1:4:2]
    # A second campaign does not call the same customers twice while their call is open.
    with pytest.raises(ValidationError):
        campaigns.start_campaign(staff["team_leader"], "重复", customers, agents)
    # Only the assignee records the outcome.
    with pytest.raises(PermissionDenied):
        campaigns.record_outcome(staff["agent2"], tasks[0], "interested")
    with pytest.raises(ValidationError):
        campaigns.record_outcome(staff["agent"], tasks[0], "greeted")  # not a wake-up outcome
    campaigns.record_outcome(staff["agent"], tasks[0], "interested", "想办理新套餐")
    campaigns.record_outcome(staff["agent"], tasks[2], "do_not_call")
    campaigns.record_outcome(staff["agent2"], tasks[1], "no_answer")
    dormant = set(campaigns.dormant_customers())
    assert customers[0] not in dormant  # reached: awake again
    assert customers[2] not in dormant  # asked not to be called
    assert customers[1] in dormant  # no answer: still dormant
    with pytest.raises(ValidationError):
        campaigns.record_outcome(staff["agent"], tasks[0], "interested")  # once only


def test_campaigns_need_the_permission_and_callers(staff, make_customer):
    customer = idle(make_customer(), 300)
    with pytest.raises(PermissionDenied):
        campaigns.start_campaign(staff["agent"], "x", [customer], [staff["agent"]])
    with pytest.raises(ValidationError) as caught:
        campaigns.start_campaign(staff["team_leader"], "", [customer], [staff["statistician"]])
    assert set(caught.value.message_dict) == {"name", "assignees"}


def test_the_dormant_page_starts_a_campaign(staff, make_customer, client):
    a = idle(make_customer(name="甲", phones=["13800000001"]), 300)
    b = idle(make_customer(name="乙", phones=["13800000002"]), 300)
    client.force_login(staff["team_leader"])
    page = client.get(reverse("customers:dormant")).content.decode()
    assert "甲" in page
    assert "乙" in page
    assert "138****0001" in page
    response = client.post(
        reverse("customers:dormant"),
        {"name": "唤醒", "customers": [a.pk], "assignees": [staff["agent"].pk]},
    )
    assert response.status_code == 302
    assert list(CustomerTask.objects.values_list("customer_id", "assignee_id")) == [
        (a.pk, staff["agent"].pk)
    ]
    client.force_login(staff["agent"])
    assert client.post(reverse("customers:dormant"), {"name": "x"}).status_code == 403
    tasks_page = client.get(reverse("customers:tasks")).content.decode()
    assert "甲" in tasks_page
    assert "乙" not in tasks_page
    task = CustomerTask.objects.get()
    client.post(reverse("customers:task_outcome", args=[task.pk]), {"outcome": "interested"})
    task.refresh_from_db()
    assert task.outcome == "interested"
    assert task.done_by == staff["agent"]
    del b


def test_r_cus_3_birthday_tasks_once_per_customer_per_year(staff, make_customer):
    today = date(2026, 11, 30)
    born = make_customer(name="寿星", phones=["13800000001"], birthday=date(1980, 11, 30))
    make_customer(name="不是今天", phones=["13800000002"], birthday=date(1980, 12, 1))
    assert list(campaigns.birthdays_on(today)) == [born]
    assert campaigns.create_birthday_tasks(today) == 1
    assert campaigns.create_birthday_tasks(today) == 0  # the job ran twice
    task = CustomerTask.objects.get()
    assert (task.kind, task.year, task.assignee) == ("birthday", 2026, None)
    # Anyone who makes calls may take an unassigned greeting.
    assert task in campaigns.open_tasks_for(staff["agent"], today)
    campaigns.record_outcome(staff["agent2"], task, "greeted")
    task.refresh_from_db()
    assert task.assignee == staff["agent2"]
    next_year = date(2027, 11, 30)
    assert campaigns.create_birthday_tasks(next_year) == 1


def test_r_cus_3_leap_day_birthdays_are_greeted_on_28_february(make_customer):
    leap = make_customer(birthday=date(2000, 2, 29))
    assert list(campaigns.birthdays_on(date(2027, 2, 28))) == [leap]
    assert list(campaigns.birthdays_on(date(2028, 2, 28))) == []
    assert list(campaigns.birthdays_on(date(2028, 2, 29))) == [leap]


def test_the_daily_job_creates_todays_greetings(make_customer):
    today = timezone.localdate()
    birthday = (
        today.replace(year=1990) if (today.month, today.day) != (2, 29) else date(1992, 2, 29)
    )
    make_customer(birthday=birthday)
    birthday_tasks.call_local()
    assert CustomerTask.objects.filter(kind="birthday", due_on=today).count() == 1


def test_birthday_tasks_can_be_switched_off(make_customer):
    make_customer(birthday=date(1980, 11, 30))
    CustomerSettings.objects.update(birthday_tasks_enabled=False)
    assert campaigns.create_birthday_tasks(date(2026, 11, 30)) == 0


def test_the_work_api(staff, make_customer):
    customer = idle(make_customer(), 300)
    lead = Api(staff["team_leader"])
    assert [c["id"] for c in lead.get("/customers/dormant").json()] == [customer.pk]
    created = lead.post(
        "/customers/campaigns",
        {"name": "唤醒", "customers": [customer.pk], "assignees": [staff["agent"].employee_no]},
    )
    assert created.status_code == 201
    assert created.json()["tasks"] == 1
    agent = Api(staff["agent"])
    tasks = agent.get("/customers/tasks").json()
    assert [t["customer"]["id"] for t in tasks] == [customer.pk]
    assert tasks[0]["customer"]["phone"] == "138****5678"
    done = agent.post(f"/customers/tasks/{tasks[0]['id']}/outcome", {"outcome": "nope"})
    assert done.status_code == 422
    done = agent.post(f"/customers/tasks/{tasks[0]['id']}/outcome", {"outcome": "interested"})
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert Api(staff["agent2"]).get("/customers/tasks").json() == []
