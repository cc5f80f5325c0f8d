"""Callback and complaint values (SPEC §6, §7, R-CLS-4)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """R-CB-2: what one callback attempt came to."""

    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused to talk")


FAILED_OUTCOMES = frozenset(o for o in Outcome if o != Outcome.REACHED)


class CallbackStatus(models.TextChoices):
    OPEN = "open", _("Awaiting callback")
    SATISFIED = "satisfied", _("Closed after callback")
    SECOND_DISPATCH = "second_dispatch", _("Second dispatch")
    UNREACHABLE = "unreachable", _("Closed as unreachable")
    CLOSED_OTHERWISE = "closed_otherwise", _("Closed without a callback record")
    SUPERSEDED = "superseded", _("Sent on again without a callback record")


DONE_STATUSES = frozenset(
    {CallbackStatus.SATISFIED, CallbackStatus.SECOND_DISPATCH, CallbackStatus.UNREACHABLE}
)


class Score(models.IntegerChoices):
    """R-CB-3: the 5-point scale."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# Scores at or below this are "dissatisfied" (R-CB-4: a second dispatch follows).
DISSATISFIED_MAX = 2


class SecondaryReason(models.TextChoices):
    """Why a type D order was registered."""

    SAME_MATTER = "same_matter", _("Complains again about the same matter")
    HANDLING = "handling", _("Complains about how the first complaint was handled")


class SuggestionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered, awaiting the knowledge editor")
    CLASSIFIED = "classified", _("Classified")
    REPORTED = "reported", _("Sent to departments and management")


class ReportKind(models.TextChoices):
    WEEKLY_SATISFACTION = "weekly_satisfaction", _("Weekly satisfaction summary")
    MONTHLY_SATISFACTION = "monthly_satisfaction", _("Monthly satisfaction analysis")
    COMPLAINT_CLASSIFICATION = "complaint_classification", _("Complaint classification")
    SUGGESTION_SUMMARY = "suggestion_summary", _("Suggestion summary")


# The profile details a callback may collect with the customer's consent (R-CB-3).
PROFILE_FIELDS: tuple[tuple[str, Any], ...] = (
    ("email", _("E-mail")),
    ("address", _("Address")),
    ("birthday", _("Birthday")),
    ("occupation", _("Occupation")),
)

# The longest text each profile detail may have (the customer record's limits).
PROFILE_LIMITS: dict[str, int] = {"email": 254, "address": 200, "occupation": 100}
