"""The texts the callback module writes on an order's timeline, built from the event's data.

The same function writes the stored body (in the writer's language, for the API and exports)
and, through ``describe``, renders the event again at display time in the reader's language:
the data keeps codes and the typed text, never a translated label. Pure; no database.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kefu.callbacks.choices import Outcome, Score, SecondaryReason

# data["kind"] values of kefu.tickets.actions.complaints (kept as literals: this module is pure)
CALLBACK_ATTEMPT = "callback_attempt"
PROBLEM_BACK = "problem_back"
DEPARTMENT_WARNING = "department_warning"
SECONDARY_COMPLAINT = "secondary_complaint"
POST_CALL_RATING = "post_call_rating"


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _with_text(head: str, text: str) -> str:
    return f"{head}\n{text}" if text else head


def attempt_text(data: dict[str, Any]) -> str:
    head = _("Callback attempt: %(outcome)s") % {"outcome": _label(Outcome, data["outcome"])}
    return _with_text(head, data.get("note", ""))


def problem_back_text(data: dict[str, Any]) -> str:
    return _("Cause: %(cause)s\nApology, explanation or remedy: %(remedy)s") % {
        "cause": data["cause"],
        "remedy": data["remedy"],
    }


def warning_text(data: dict[str, Any]) -> str:
    return _("Written warning to %(dept)s: %(text)s") % {
        "dept": data["warned_department"],
        "text": data["text"],
    }


def secondary_text(data: dict[str, Any]) -> str:
    return _("Secondary complaint %(number)s: %(reason)s") % {
        "number": data["secondary"],
        "reason": _label(SecondaryReason, data["reason"]),
    }


def rating_text(data: dict[str, Any]) -> str:
    score = int(data["score"])
    return _("Post-call rating: %(score)d %(label)s") % {
        "score": score,
        "label": _label(Score, score),
    }


# record kind → (the data keys it needs, the text)
TEXTS = {
    CALLBACK_ATTEMPT: (("outcome",), attempt_text),
    PROBLEM_BACK: (("cause", "remedy"), problem_back_text),
    DEPARTMENT_WARNING: (("warned_department", "text"), warning_text),
    SECONDARY_COMPLAINT: (("secondary", "reason"), secondary_text),
    POST_CALL_RATING: (("score",), rating_text),
}


def describe(data: dict[str, Any] | None) -> str | None:
    """The text of a callback-module timeline event in the active language, or None when the
    event is not one of this module's or was written before its data carried the facts (the
    stored body is shown then)."""
    if not isinstance(data, dict):
        return None
    entry = TEXTS.get(data.get("kind", ""))
    if entry is None:
        return None
    needed, text = entry
    if any(data.get(key) in (None, "") for key in needed):
        return None
    return text(data)
