"""R-ORG-3: the in-memory checks of each ticket rule agree with its database query.

Permission checks on a loaded order use the in-memory form (no query); lists and look-ups use
the Q. If the two ever disagreed, a page could offer a move the list would hide, or the reverse.
"""

from __future__ import annotations

import pytest

from kefu.core.permissions import _object_rules
from kefu.org.models import User
from kefu.tickets.demo import load_orders
from kefu.tickets.models import Ticket


@pytest.mark.django_db
def test_every_ticket_rule_check_agrees_with_its_query_for_every_demo_person(org):
    load_orders()
    tickets = list(Ticket.objects.all())
    assert len(tickets) > 100
    rules = {perm: rule for perm, rule in _object_rules.items() if rule.model is Ticket}
    assert rules, "the ticket rules are registered"
    for user in User.objects.filter(is_active=True):
        for perm, rule in rules.items():
            assert rule.check is not None, perm
            in_query = set(Ticket.objects.filter(rule.query(user)).values_list("pk", flat=True))
            in_memory = {t.pk for t in tickets if rule.check(user, t)}
            assert in_memory == in_query, (user.employee_no, perm)
