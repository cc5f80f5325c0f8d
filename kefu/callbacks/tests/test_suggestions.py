"""R-SUG-1: a suggestion is registered with thanks, classified by the knowledge editor, summed
up by subject for departments and management, and its status is visible to the agent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from kefu.callbacks import services, tasks
from kefu.callbacks.choices import ReportKind, SuggestionStatus
from kefu.callbacks.models import Report, Suggestion
from kefu.notifications.models import Notification
from kefu.tickets.models import SuggestionSubject


@pytest.fixture
def suggestion(staff, register) -> Suggestion:
    ticket = register(
        type="E",
        level="",
        request_kind="suggestion",
        title="建议延长营业厅周末营业时间",
        received_at=timezone.now() - timedelta(days=7),
    )
    return Suggestion.objects.get(ticket=ticket)


def test_r_sug_1_registration_creates_the_suggestion_and_shows_thanks(
    staff, suggestion, client: Client
):
    assert suggestion.status == SuggestionStatus.REGISTERED
    client.force_login(staff["agent"])
    page = client.get(f"/tickets/{suggestion.ticket.number}/").content.decode()
    assert 'data-testid="suggestion-status"' in page
    assert 'data-testid="thank-you-script"' in page


def test_r_sug_1_other_orders_are_not_suggestions(register):
    register(type="E", level="", request_kind="business")
    assert not Suggestion.objects.exists()


def test_r_sug_1_editor_classifies_by_subject(staff, suggestion):
    subject = SuggestionSubject.objects.get(code="service")
    result = services.classify_suggestion(staff["editor"], suggestion, subject, "转服务组")
    assert (result.status, result.subject, result.classified_by) == (
        SuggestionStatus.CLASSIFIED,
        subject,
        staff["editor"],
    )
    ticket = result.ticket
    ticket.refresh_from_db()
    assert ticket.suggestion_subject == subject
    assert ticket.events.filter(data__kind="suggestion_classified").exists()


def test_r_sug_1_only_the_editor_classifies(staff, suggestion, client: Client):
    subject = SuggestionSubject.objects.get(code="service")
    with pytest.raises(PermissionDenied):
        services.classify_suggestion(staff["agent"], suggestion, subject)
    client.force_login(staff["agent"])
    response = client.post(
        f"/callbacks/suggestions/{suggestion.pk}/classify/", {"subject": subject.pk}
    )
    assert response.status_code == 403


def test_r_sug_1_agent_sees_the_status_of_their_suggestions(staff, suggestion, client: Client):
    client.force_login(staff["agent"])
    body = client.get("/callbacks/suggestions/").content.decode()
    assert suggestion.ticket.number in body
    client.force_login(staff["agent2"])
    assert suggestion.ticket.number not in client.get("/callbacks/suggestions/").content.decode()


def test_r_sug_1_weekly_summary_by_subject_goes_to_departments_and_management(staff, suggestion):
    subject = SuggestionSubject.objects.get(code="new-business")
    services.classify_suggestion(staff["editor"], suggestion, subject)
    received = suggestion.ticket.received_at
    monday_after = received + timedelta(days=7 - timezone.localtime(received).weekday())
    tasks.run_weekly(monday_after)
    report = Report.objects.get(kind=ReportKind.SUGGESTION_SUMMARY)
    assert report.data["by_subject"][subject.name]["count"] == 1
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REPORTED
    assert suggestion.report == report
    notified = set(
        Notification.objects.filter(event="callbacks.suggestion_summary").values_list(
            "recipient__employee_no", flat=True
        )
    )
    assert staff["manager"].employee_no in notified
    assert staff["handler"].employee_no in notified  # 城市客服部's responsible person
    # A second run of the same schedule changes nothing and tells nobody again.
    tasks.run_weekly(monday_after)
    assert Report.objects.filter(kind=ReportKind.SUGGESTION_SUMMARY).count() == 1
    assert Notification.objects.filter(event="callbacks.suggestion_summary").count() == len(
        notified
    )


def test_r_sug_1_editor_reads_the_suggestion_without_a_link_she_cannot_open(
    staff, suggestion, client: Client
):
    client.force_login(staff["editor"])
    page = client.get("/callbacks/suggestions/").content.decode()
    assert suggestion.ticket.title in page
    assert f'href="/tickets/{suggestion.ticket.number}/"' not in page
    client.force_login(staff["agent"])  # the agent who registered it may open it
    page = client.get("/callbacks/suggestions/").content.decode()
    assert f'href="/tickets/{suggestion.ticket.number}/"' in page


def test_r_sug_1_the_editors_note_is_shown_and_classified_ones_are_filtered(
    staff, suggestion, register, client: Client
):
    other = register(type="E", level="", request_kind="suggestion", title="建议开通夜间客服")
    subject = SuggestionSubject.objects.get(code="service")
    services.classify_suggestion(staff["editor"], suggestion, subject, "转服务质量组")
    client.force_login(staff["editor"])
    default = client.get("/callbacks/suggestions/").content.decode()
    assert other.number in default
    assert suggestion.ticket.number not in default
    classified = client.get("/callbacks/suggestions/?show=classified").content.decode()
    assert suggestion.ticket.number in classified
    assert other.number not in classified
    assert "转服务质量组" in classified
    everything = client.get("/callbacks/suggestions/?show=all").content.decode()
    assert suggestion.ticket.number in everything
    assert other.number in everything
