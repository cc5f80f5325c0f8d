"""Every callback step says what happened (R-CB-2..4, R-SUG-1), not a generic "Done."."""

from __future__ import annotations

from django.test import Client
from django.utils.translation import gettext as _

from kefu.callbacks import services
from kefu.callbacks.choices import Outcome
from kefu.callbacks.models import Suggestion
from kefu.tickets.models import SuggestionSubject

from .conftest import fresh


def _step(client: Client, ticket, name: str, **data) -> list[str]:
    response = client.post(
        f"/callbacks/orders/{ticket.number}/{name}/",
        {"version": fresh(ticket).version, **data},
        follow=True,
    )
    found = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert all(level == "success" for level, _text in found), found
    return [text for _level, text in found]


def test_r_cb_2_attempt_message_names_the_outcome_and_the_attempt_number(
    staff, resolved_to_callback, client: Client
):
    ticket = resolved_to_callback()
    client.force_login(staff["surveyor"])
    _step(client, ticket, "attempt", outcome="busy")
    [text] = _step(client, ticket, "attempt", outcome="no_answer")
    assert text != _("Done.")
    assert text == _("Recorded: %(outcome)s (attempt %(n)d).") % {
        "outcome": Outcome.NO_ANSWER.label,
        "n": 2,
    }


def test_r_cb_3_satisfied_close_says_the_order_is_closed(
    staff, resolved_to_callback, client: Client
):
    ticket = resolved_to_callback()
    client.force_login(staff["surveyor"])
    [text] = _step(client, ticket, "attempt", outcome="reached", score="4")
    closed = _("The customer is satisfied (%(score)d %(label)s); the order is closed.") % {
        "score": 4,
        "label": _("Satisfied"),
    }
    assert text.endswith(closed)
    assert str(Outcome.REACHED.label) in text

    two_step = resolved_to_callback(contact_phone="+8613900000031")
    _step(client, two_step, "attempt", outcome="reached")
    [text] = _step(client, two_step, "satisfied", score="5")
    assert text == _("The customer is satisfied (%(score)d %(label)s); the order is closed.") % {
        "score": 5,
        "label": _("Very satisfied"),
    }


def test_r_cb_4_second_dispatch_says_it_awaits_review(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    client.force_login(staff["surveyor"])
    _step(client, ticket, "attempt", outcome="reached")
    [text] = _step(
        client,
        ticket,
        "second_dispatch",
        score="1",
        cause="未解决",
        remedy="致歉",
        warning="书面警告",
    )
    assert text == _(
        "Sent to second dispatch, with a written warning to %(dept)s; "
        "awaiting review by a senior agent."
    ) % {"dept": ticket.department.name}


def test_r_cb_2_unreachable_close_gives_the_reason(staff, resolved_to_callback, client: Client):
    ticket = resolved_to_callback()
    client.force_login(staff["surveyor"])
    _step(client, ticket, "attempt", outcome="wrong_number")
    [text] = _step(client, ticket, "unreachable", reason="号码错误")
    assert text == _("Closed as unreachable: %(reason)s") % {"reason": "号码错误"}


def test_secondary_complaint_message_names_the_new_order(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    client.force_login(staff["agent"])
    response = client.post(
        f"/callbacks/orders/{ticket.number}/secondary/",
        {"reason": "same_matter", "title": "又断网了"},
        follow=True,
    )
    link = ticket.secondary_complaints.get()
    [text] = [str(m) for m in response.context["messages"]]
    assert link.ticket.number in text
    assert text != _("Done.")


def test_r_sug_1_classify_message_names_the_subject(staff, register, client: Client):
    ticket = register(type="E", level="", request_kind="suggestion", title="建议增加夜间服务")
    suggestion = Suggestion.objects.get(ticket=ticket)
    subject = SuggestionSubject.objects.filter(is_active=True).first()
    client.force_login(staff["editor"])
    response = client.post(
        f"/callbacks/suggestions/{suggestion.pk}/classify/",
        {"subject": subject.pk, "note": ""},
        follow=True,
    )
    [text] = [str(m) for m in response.context["messages"]]
    assert text == _("Suggestion %(number)s classified: %(subject)s.") % {
        "number": ticket.number,
        "subject": subject.label,
    }
    assert services.suggestions_for(staff["editor"], "classified").filter(pk=suggestion.pk)


def test_complaint_record_save_says_so(staff, register, client: Client):
    ticket = register(level="III")
    client.force_login(staff["agent"])
    [text] = _step(client, ticket, "record", complainant="陈先生", substantiated="true")
    assert text == _("Complaint record saved.")
