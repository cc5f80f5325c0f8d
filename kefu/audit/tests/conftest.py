"""Personas and data of the audit tests, built through the apps' own functions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kefu.customers.choices import CustomerTier, CustomerType
from kefu.customers.models import Customer
from kefu.customers.services import CustomerData, create_customer
from kefu.org.models import User


@pytest.fixture
def manager(org: Any) -> User:
    """郭强 (1070), manager 客服经理: approves exports, reads the audit trail."""
    return User.objects.get(employee_no="1070")


@pytest.fixture
def supervisor(org: Any) -> User:
    """胡军 (1060), supervisor 客服主管: may request exports, not approve them."""
    return User.objects.get(employee_no="1060")


@pytest.fixture
def second_manager(org: Any) -> User:
    """钱敏 (1071), the demo's second manager: a manager's own request is decided by her."""
    return User.objects.get(employee_no="1071")


def make_customer(actor: User, name: str, phone: str, **fields: Any) -> Customer:
    return create_customer(actor, CustomerData(name=name, phones=[phone], **fields))


@pytest.fixture
def customers(agent: User) -> list[Customer]:
    """Five customers: three VIPs in 杭州 (two registered in 2025), an ordinary one in 杭州 and
    a VIP media customer in 宁波."""
    return [
        make_customer(
            agent,
            "VIP甲",
            "13900000001",
            tier=CustomerTier.VIP,
            vip_level=2,
            region="杭州",
            registered_on=date(2025, 3, 1),
        ),
        make_customer(
            agent,
            "VIP乙",
            "13900000002",
            tier=CustomerTier.VIP,
            vip_level=1,
            region="杭州",
            registered_on=date(2025, 6, 1),
            id_number="110101199001011234",
        ),
        make_customer(
            agent,
            "VIP丙",
            "13900000003",
            tier=CustomerTier.VIP,
            vip_level=3,
            region="杭州",
            registered_on=date(2026, 1, 5),
        ),
        make_customer(agent, "普通丁", "13900000004", region="杭州"),
        make_customer(
            agent,
            "媒体戊",
            "13900000005",
            tier=CustomerTier.VIP,
            vip_level=1,
            region="宁波",
            customer_type=CustomerType.MEDIA,
        ),
    ]
