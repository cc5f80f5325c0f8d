"""R-CB-1, R-CB-2 with R-SEC-1: the callback queue shows what a surveyor dials from — the
customer's number masked, with the logged reveal of the rest of the app (masking.reveal), the
number of attempts and the last attempt's time and outcome — in one query."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.audit.models import AuditRecord
from kefu.callbacks import services
from kefu.callbacks.choices import Outcome


def _row(body: str, number: str) -> str:
    start = body.index(f'data-number="{number}"')
    return body[start : body.index("</tr>", start)]


def test_r_cb_2_queue_rows_show_masked_phone_attempts_and_last_attempt(
    staff, resolved_to_callback, client: Client
):
    ticket = resolved_to_callback(contact_phone="+8613812345678")
    services.record_attempt(staff["surveyor"], ticket, Outcome.NO_ANSWER)
    services.record_attempt(staff["surveyor"], ticket, Outcome.BUSY, "占线")
    untried = resolved_to_callback(contact_phone="+8613900000077")
    client.force_login(staff["surveyor"])
    body = client.get("/callbacks/").content.decode()
    row = _row(body, ticket.number)
    assert "138****5678" in row
    assert "13812345678" not in body  # R-SEC-1: a list never shows the full number
    tries = row[row.index('data-testid="queue-tries"') :]
    assert tries[tries.index(">") + 1 :].startswith("2")
    last = row[row.index('data-testid="queue-last"') :]
    assert str(Outcome.BUSY.label) in last[: last.index("</td>")]
    assert 'data-testid="queue-reveal"' in row
    assert "—" in _row(body, untried.number).split('data-testid="queue-last"')[1]


def test_r_sec_1_queue_reveal_gives_tel_links_and_is_logged(
    staff, resolved_to_callback, client: Client
):
    ticket = resolved_to_callback(contact_phone="+8613812345678")
    client.force_login(staff["surveyor"])
    before = AuditRecord.objects.filter(action="customer.reveal").count()
    response = client.post(f"/callbacks/orders/{ticket.number}/reveal/")
    assert response.status_code == 200
    assert 'href="tel:13812345678"' in response.content.decode()
    assert AuditRecord.objects.filter(action="customer.reveal").count() == before + 1


def test_r_sec_1_queue_reveal_needs_post_and_callback_permission(
    staff, resolved_to_callback, client: Client
):
    ticket = resolved_to_callback(contact_phone="+8613812345678")
    client.force_login(staff["surveyor"])
    assert client.get(f"/callbacks/orders/{ticket.number}/reveal/").status_code == 405
    client.force_login(staff["statistician"])
    assert client.post(f"/callbacks/orders/{ticket.number}/reveal/").status_code == 403
    assert not AuditRecord.objects.filter(action="customer.reveal").exists()


def test_r_cb_1_queue_is_one_query_with_the_last_attempt(staff, resolved_to_callback):
    for i in range(3):
        ticket = resolved_to_callback(contact_phone=f"+861390000020{i}")
        services.record_attempt(staff["surveyor"], ticket, Outcome.NO_ANSWER)
        services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    with CaptureQueriesContext(connection) as queries:
        rounds = services.queue_rounds()
        seen = [
            (c.ticket.contact_phone, c.ticket.customer_id, c.tries, c.failed, c.last_outcome)
            for c in rounds
        ]
    assert len(queries.captured_queries) == 1
    assert [s[2:] for s in seen] == [(2, 1, Outcome.REACHED)] * 3
    assert all(c.last_at is not None for c in rounds)
