"""R-SEC-1: a caller registered from an unknown number with no name is never named with the
number (the name is shown in full where the number is masked)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from kefu.customers import services
from kefu.customers.choices import ContactKind
from kefu.customers.models import ContactPoint, Customer
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType

pytestmark = pytest.mark.django_db

NUMBER = "+8613700001234"


def test_r_sec_1_a_caller_without_a_name_is_not_named_with_the_number(db):
    customer = services.find_or_create_by_phone(NUMBER, "")
    assert customer.name == services.unnamed_caller_name()
    assert "13700001234" not in customer.name
    assert customer.contacts.get().value == NUMBER


def test_r_sec_1_a_name_that_is_the_number_is_not_kept(db):
    customer = services.find_or_create_by_phone(NUMBER, "137 0000 1234")
    assert customer.name == services.unnamed_caller_name()


def test_a_given_name_is_kept(db):
    assert services.find_or_create_by_phone(NUMBER, " 陈先生 ").name == "陈先生"


def test_r_sec_1_registering_an_order_for_an_unknown_caller_names_no_number(staff):
    ticket = actions.register(
        staff["agent"],
        actions.Registration(
            call_type=CallType.objects.get(code="A1"),
            channel=Channel.PHONE,
            title="宽带断网",
            level="III",
            contact_phone=NUMBER,
        ),
    )
    assert ticket.customer is not None
    assert "1234" not in ticket.customer.name


def test_r_sec_1_the_migration_renames_customers_named_with_their_own_number(db):
    leaked = Customer.objects.create(name=NUMBER)
    ContactPoint.objects.create(customer=leaked, kind=ContactKind.PHONE, value=NUMBER)
    other = Customer.objects.create(name="+8613900002222")  # not one of its own numbers
    ContactPoint.objects.create(customer=other, kind=ContactKind.PHONE, value="+8613900003333")
    named = Customer.objects.create(name="王女士")
    ContactPoint.objects.create(customer=named, kind=ContactKind.PHONE, value="+8613900004444")
    migration = importlib.import_module("kefu.customers.migrations.0004_unnamed_callers")
    migration.rename(apps, None)
    assert Customer.objects.get(pk=leaked.pk).name == services.unnamed_caller_name()
    assert Customer.objects.get(pk=other.pk).name == "+8613900002222"
    assert Customer.objects.get(pk=named.pk).name == "王女士"
