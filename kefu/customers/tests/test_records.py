"""R-CUS-1: the customer database — create, search, edit, duplicates and merge."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.audit.models import AuditRecord
from kefu.customers import services
from kefu.customers.choices import ContactKind, CustomerTier
from kefu.customers.models import ContactPoint, Customer, CustomerMerge
from kefu.tickets import actions
from kefu.tickets.choices import Channel, EventKind
from kefu.tickets.models import CallType


def order_for(user, customer, title="宽带断网"):
    reg = actions.Registration(
        call_type=CallType.objects.get(code="A1"),
        channel=Channel.PHONE,
        title=title,
        level="III",
        customer=customer,
        contact_phone="+8613812345678",
    )
    return actions.register(user, reg)


def test_r_cus_1_create_normalises_phones_and_emails(staff):
    customer = services.create_customer(
        staff["agent"],
        services.CustomerData(
            name="  陈先生 ",
            phones=["138-1234-5678", "021 5234 5678"],
            emails=[" Chen@Example.CN "],
            wechat="chen_wx",
            tier=CustomerTier.VIP,
            vip_level=3,
            birthday=date(1980, 5, 17),
            tags=["宽带", "投诉敏感"],
        ),
    )
    contacts = set(customer.contacts.values_list("kind", "value", "is_primary"))
    assert contacts == {
        ("phone", "+8613812345678", True),
        ("phone", "+862152345678", False),
        ("email", "chen@example.cn", True),
        ("wechat", "chen_wx", False),
    }
    assert customer.name == "陈先生"
    assert customer.birth_month_day == 517
    assert customer.tier_label == "VIP3"
    assert {t.name for t in customer.tags.all()} == {"投诉敏感", "宽带"}


def test_r_cus_1_bad_input_is_refused_with_field_messages(staff):
    with pytest.raises(ValidationError) as caught:
        services.create_customer(
            staff["agent"],
            services.CustomerData(
                name="", phones=["12"], emails=["nope"], tier="gold", vip_level=2
            ),
        )
    assert set(caught.value.message_dict) == {"name", "phones", "emails", "tier", "vip_level"}
    assert Customer.objects.count() == 0


def test_r_cus_1_creating_a_duplicate_needs_confirmation(staff, make_customer):
    first = make_customer(phones=["13812345678"])
    with pytest.raises(services.DuplicateCustomer) as caught:
        services.create_customer(
            staff["agent"], services.CustomerData(name="陈太太", phones=["+86 138 1234 5678"])
        )
    assert caught.value.matches == [first]
    second = services.create_customer(
        staff["agent"],
        services.CustomerData(name="陈太太", phones=["13812345678"]),
        allow_duplicate=True,
    )
    assert second.pk != first.pk


def test_a_role_without_customers_edit_cannot_create(staff):
    with pytest.raises(PermissionDenied):
        services.create_customer(
            staff["statistician"], services.CustomerData(name="x", phones=["13812345678"])
        )


@pytest.mark.parametrize(
    "query", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "8613812345678"]
)
def test_r_cus_1_search_finds_a_customer_by_any_phone_spelling(staff, make_customer, query):
    wanted = make_customer(phones=["13812345678"])
    make_customer(name="别人", phones=["13900001111"])
    found = list(services.filtered(staff["agent"], services.ListFilters(q=query)))
    assert found == [wanted]


def test_search_by_name_email_and_filters(staff, make_customer):
    vip = make_customer(
        name="王建国",
        phones=["13800002222"],
        emails=["wang@example.cn"],
        tier="vip",
        region="徐汇区",
        tags=["宽带"],
    )
    make_customer(name="王秀英", phones=["13800003333"], region="黄浦区")
    agent = staff["agent"]
    assert {c.name for c in services.filtered(agent, services.ListFilters(q="王"))} == {
        "王建国",
        "王秀英",
    }
    assert list(services.filtered(agent, services.ListFilters(q="WANG@example.cn"))) == [vip]
    assert list(services.filtered(agent, services.ListFilters(tier="vip"))) == [vip]
    assert list(services.filtered(agent, services.ListFilters(region="徐汇区"))) == [vip]
    assert list(services.filtered(agent, services.ListFilters(tag="宽带"))) == [vip]


def test_the_list_page_searches_and_filters(staff, make_customer, client):
    make_customer(name="王建国", phones=["13800002222"], tier="vip", vip_level=2)
    make_customer(name="李秀英", phones=["13800003333"])
    client.force_login(staff["agent"])
    page = client.get(reverse("customers:list"), {"q": "138-0000-2222"}).content.decode()
    assert "王建国" in page
    assert "李秀英" not in page
    assert "VIP2" in page  # the badge
    partial = client.get(reverse("customers:list"), {"tier": "vip"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "王建国" in partial.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(
    staff, make_customer, client, django_assert_max_num_queries
):
    for i in range(30):
        make_customer(name=f"客户{i}", phones=[f"1380000{i:04d}"], tags=["宽带"])
    client.force_login(staff["agent"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("customers:list"))
    assert response.status_code == 200


def region_choices(client):
    page = client.get(reverse("customers:list")).content.decode()
    return {r for r in ("徐汇区", "浦东新区", "黄浦区") if f'value="{r}"' in page}


def test_the_region_filter_is_read_once_and_offers_a_new_region_at_once(
    staff, make_customer, client, django_capture_on_commit_callbacks
):
    """The regions (a DISTINCT over every customer) come from the cache; a customer in a region
    the filter does not offer yet makes the next page offer it."""
    make_customer(name="王建国", phones=["13800002222"], region="徐汇区")
    client.force_login(staff["agent"])
    assert region_choices(client) == {"徐汇区"}
    with CaptureQueriesContext(connection) as ctx:
        assert region_choices(client) == {"徐汇区"}
    assert not [q for q in ctx.captured_queries if "DISTINCT" in q["sql"]]

    make_customer(name="李秀英", phones=["13800003333"], region="徐汇区")  # known: cache kept
    assert cache.get(services.REGIONS_KEY) == ["徐汇区"]
    with django_capture_on_commit_callbacks(execute=True):
        make_customer(name="张伟", phones=["13800004444"], region="浦东新区")
    assert region_choices(client) == {"徐汇区", "浦东新区"}


def test_r_cus_1_edit_keeps_numbers_it_does_not_show(staff, make_customer, client):
    customer = make_customer(phones=["13812345678", "13900001111"], id_number="310101198001011234")
    client.force_login(staff["text_entry_clerk"])
    form = client.get(reverse("customers:edit", args=[customer.pk])).content.decode()
    assert "13812345678" not in form
    assert "138****5678" in form
    assert "310101198001011234" not in form
    removed = ContactPoint.objects.get(value="+8613900001111")
    response = client.post(
        reverse("customers:edit", args=[customer.pk]),
        {
            "name": "陈先生",
            "kind": "person",
            "customer_type": "end_user",
            "tier": "important",
            "source": "hotline",
            "add_phones": "021-52345678",
            "remove_contacts": [str(removed.pk)],
            "id_number": "",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.tier == "important"
    assert customer.id_number == "310101198001011234"  # empty field: kept
    assert set(customer.contacts.filter(kind="phone").values_list("value", flat=True)) == {
        "+8613812345678",
        "+862152345678",
    }


def test_r_cus_1_the_customer_page_shows_the_orders_the_user_may_see(
    staff, make_customer, client, taxonomy
):
    """R-ORG-3: the order history is cut to the user's object rules."""
    customer = make_customer()
    mine = order_for(staff["agent"], customer, "我的工单")
    theirs = order_for(staff["agent2"], customer, "别人的工单")
    client.force_login(staff["agent"])
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert mine.number in page
    assert theirs.number not in page
    client.force_login(staff["senior_agent"])  # sees the whole center
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert mine.number in page
    assert theirs.number in page


def test_r_cus_1_duplicates_list_groups_customers_sharing_a_number(staff, make_customer, client):
    a = make_customer(name="陈先生", phones=["13812345678"])
    b = make_customer(name="陈先生(重复)", phones=["138 1234 5678"])
    make_customer(name="别人", phones=["13900001111"])
    groups = services.duplicate_groups()
    assert [(g.kind, g.value, g.customers) for g in groups] == [("phone", "+8613812345678", [a, b])]
    client.force_login(staff["supervisor"])
    page = client.get(reverse("customers:duplicates")).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert 'data-testid="merge"' in page


def test_r_cus_1_merge_moves_everything_and_keeps_history(staff, make_customer, taxonomy):
    target = make_customer(name="陈先生", phones=["13812345678"], notes="老客户")
    source = make_customer(
        name="陈先生2",
        phones=["13812345678", "13900001111"],
        emails=["c@example.cn"],
        notes="另一条记录",
        tags=["宽带"],
        birthday=date(1980, 1, 2),
    )
    order = order_for(staff["agent"], source)
    version = order.version
    services.merge_customers(staff["supervisor"], source, target)
    source.refresh_from_db()
    target.refresh_from_db()
    order.refresh_from_db()
    assert source.merged_into == target  # the old record stays
    assert order.customer == target
    assert order.version == version + 1
    event = order.events.get(kind=EventKind.EDITED)
    assert event.data["merged_customer"] == source.pk
    assert set(target.contacts.values_list("kind", "value")) == {
        ("phone", "+8613812345678"),
        ("phone", "+8613900001111"),
        ("email", "c@example.cn"),
    }
    assert target.notes == "老客户\n另一条记录"
    assert target.birthday == date(1980, 1, 2)
    assert [t.name for t in target.tags.all()] == ["宽带"]
    merge = CustomerMerge.objects.get()
    assert merge.moved["orders"] == [order.number]
    assert AuditRecord.objects.filter(action="customer.merge").count() == 1
    # Look-ups find the merged customer no more.
    assert services.customer_for_phone("+8613900001111") == target
    assert source not in services.filtered(staff["agent"], services.ListFilters())


def test_merge_needs_the_merge_permission_and_two_current_records(staff, make_customer):
    a, b = make_customer(), make_customer(name="b")
    with pytest.raises(PermissionDenied):
        services.merge_customers(staff["agent"], a, b)
    with pytest.raises(ValidationError):
        services.merge_customers(staff["supervisor"], a, a)
    services.merge_customers(staff["supervisor"], a, b)
    with pytest.raises(ValidationError):
        services.merge_customers(staff["supervisor"], a, b)


def test_merge_through_the_page(staff, make_customer, client):
    a = make_customer(name="甲")
    b = make_customer(name="乙")
    client.force_login(staff["supervisor"])
    response = client.post(reverse("customers:merge"), {"source": b.pk, "target": a.pk})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a
    # The merged record's page leads to the one that stayed.
    assert client.get(reverse("customers:detail", args=[b.pk])).url == reverse(
        "customers:detail", args=[a.pk]
    )
    client.force_login(staff["agent"])
    assert (
        client.post(reverse("customers:merge"), {"source": a.pk, "target": b.pk}).status_code == 403
    )


def test_the_new_customer_page_warns_about_duplicates(staff, make_customer, client):
    make_customer(name="陈先生", phones=["13812345678"])
    client.force_login(staff["agent"])
    data = {
        "name": "陈先生",
        "kind": "person",
        "customer_type": "end_user",
        "tier": "ordinary",
        "source": "hotline",
        "add_phones": "138 1234 5678",
    }
    page = client.post(reverse("customers:new"), data)
    assert page.status_code == 200
    assert 'data-testid="duplicates"' in page.content.decode()
    assert Customer.objects.count() == 1
    response = client.post(reverse("customers:new"), {**data, "allow_duplicate": "on"})
    assert response.status_code == 302
    assert Customer.objects.count() == 2


def test_find_or_create_by_phone_reuses_the_customer_and_skips_merged_ones(staff, make_customer):
    a = make_customer(phones=["13812345678"])
    assert services.find_or_create_by_phone("+8613812345678", "x") == a
    b = make_customer(name="b", phones=["13812345678"])
    services.merge_customers(staff["supervisor"], a, b)
    assert services.find_or_create_by_phone("+8613812345678", "x") == b
    new = services.find_or_create_by_phone("+8613900009999", "新客户")
    assert new.name == "新客户"
    assert list(new.contacts.values_list("kind", "value")) == [
        (ContactKind.PHONE, "+8613900009999")
    ]
