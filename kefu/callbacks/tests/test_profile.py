"""R-CB-3: profile details given with the customer's consent are checked field by field and
reach the customer's record through kefu.customers."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kefu.callbacks import services
from kefu.callbacks.choices import Outcome
from kefu.callbacks.models import Callback
from kefu.customers.services import CustomerData, create_customer

from .conftest import fresh


@pytest.fixture
def with_customer(staff, resolved_to_callback):
    customer = create_customer(
        staff["agent"], CustomerData(name="陈先生", phones=["+8613812345678"])
    )
    ticket = resolved_to_callback(customer=customer)
    return ticket, customer


def test_r_cb_3_a_birthday_that_is_not_a_date_is_a_field_error(staff, with_customer):
    ticket, _customer = with_customer
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with pytest.raises(ValidationError) as caught:
        services.close_satisfied(
            staff["surveyor"],
            fresh(ticket),
            score=5,
            profile_consent=True,
            profile={"birthday": "not a date", "email": "nope"},
        )
    assert set(caught.value.message_dict) == {"profile_birthday", "profile_email"}


def test_r_cb_3_the_form_shows_the_field_error_and_keeps_the_rest(
    staff, with_customer, client: Client
):
    ticket, _customer = with_customer
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    client.force_login(staff["surveyor"])
    page = client.post(
        f"/callbacks/orders/{ticket.number}/satisfied/",
        {
            "score": "5",
            "profile_consent": "on",
            "profile_birthday": "not a date",
            "profile_occupation": "教师",
        },
        follow=True,
    ).content.decode()
    assert 'data-testid="field-error-profile_birthday"' in page
    assert 'value="教师"' in page
    assert Callback.objects.get(ticket=ticket).is_open


def test_r_cb_3_details_reach_the_customer_record(staff, with_customer):
    ticket, customer = with_customer
    actor = staff["senior"]  # holds customers.edit (the surveyor does not: see the report)
    services.record_attempt(actor, ticket, Outcome.REACHED)
    callback = services.close_satisfied(
        actor,
        fresh(ticket),
        score=4,
        profile_consent=True,
        profile={
            "email": "Chen@Example.com",
            "birthday": "1980-05-17",
            "address": "上海市浦东新区世纪大道 100 号",
            "occupation": "教师",
        },
    )
    customer.refresh_from_db()
    assert customer.birthday == date(1980, 5, 17)
    contacts = {(c.kind, c.value) for c in customer.contacts.all()}
    assert ("email", "chen@example.com") in contacts
    assert ("address", "上海市浦东新区世纪大道 100 号") in contacts
    assert ("phone", "+8613812345678") in contacts  # kept
    assert callback.profile["occupation"] == "教师"


def test_r_cb_3_without_consent_nothing_is_kept(staff, with_customer):
    ticket, _customer = with_customer
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with pytest.raises(ValidationError) as caught:
        services.close_satisfied(
            staff["surveyor"], fresh(ticket), score=5, profile={"occupation": "教师"}
        )
    assert "profile_consent" in caught.value.message_dict
