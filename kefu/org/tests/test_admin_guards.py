"""What the admin site refuses or does around staff and departments, so that routing and access
keep working after an administrator's edit (R-ORG-1, R-ORG-3, R-WO-2, R-WO-10)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kefu.org.models import ApiToken, Department, User
from kefu.org.tokens import issue_token
from kefu.tickets.models import CallType, RoutingRule


def city() -> Department:
    return Department.objects.get(name="城市客服部")


def test_a_departments_responsible_person_must_be_an_active_handler_of_it(org, agent, handler):
    department = city()
    department.responsible = agent  # an agent of the center: cannot receive dispatched orders
    with pytest.raises(ValidationError) as refused:
        department.full_clean()
    assert "responsible" in refused.value.message_dict

    market_handler = User.objects.get(employee_no="2101")  # a handler, of 集团市场部
    department.responsible = market_handler
    with pytest.raises(ValidationError) as refused:
        department.full_clean()
    assert "responsible" in refused.value.message_dict

    handler.is_active = False
    handler.save(update_fields=["is_active"])
    department.responsible = handler
    with pytest.raises(ValidationError) as refused:
        department.full_clean()
    assert "responsible" in refused.value.message_dict


def test_the_departments_own_handler_is_accepted(org, handler):
    department = city()
    department.responsible = User.objects.get(employee_no="2002")
    department.full_clean()


def test_deactivating_staff_revokes_their_tokens_and_says_what_they_still_hold(
    org, administrator, handler, login
):
    issue_token(handler, "工单系统对接")
    client = login(administrator)
    page = client.get(reverse("admin:org_user_change", args=[handler.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "last_login", "date_joined", "roles"}
    }
    data["roles"] = [role.pk for role in handler.roles.all()]
    data["is_active"] = ""
    response = client.post(reverse("admin:org_user_change", args=[handler.pk]), data, follow=True)
    assert response.status_code == 200
    handler.refresh_from_db()
    assert not handler.is_active
    assert not ApiToken.objects.filter(user=handler, revoked_at__isnull=True).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("API" in m for m in shown)


def test_the_administrator_edits_knowledge_categories(org, administrator, login):
    client = login(administrator)
    assert client.get(reverse("admin:kb_category_changelist")).status_code == 200
    assert (
        reverse("admin:kb_category_changelist")
        in client.get(reverse("admin:index")).content.decode()
    )


def test_a_routing_rule_names_levels_only_for_complaints_and_existing_departments(org):
    inquiry = CallType.objects.get(code="E")
    with pytest.raises(ValidationError) as refused:
        RoutingRule(call_type=inquiry, level="I", action="center").full_clean()
    assert "level" in refused.value.message_dict
    complaint = CallType.objects.get(code="A1")
    with pytest.raises(ValidationError) as refused:
        RoutingRule(
            call_type=complaint, level="IV", action="dispatch", department_code="nowhere"
        ).full_clean()
    assert "department_code" in refused.value.message_dict
