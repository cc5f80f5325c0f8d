"""Every change the callback module makes (SPEC §6, §7, R-CLS-4, R-ESC-3, R-WO-8).

Each function checks the actor's permission, checks the order is where the step belongs,
writes its records and the order's timeline event in one transaction, and moves the order only
through ``kefu.tickets.actions`` (close, second dispatch, register, manager hotline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.callbacks import timeline
from kefu.callbacks.choices import (
    DISSATISFIED_MAX,
    FAILED_OUTCOMES,
    PROFILE_FIELDS,
    PROFILE_LIMITS,
    CallbackStatus,
    Outcome,
    Score,
    SecondaryReason,
    SuggestionStatus,
)
from kefu.callbacks.models import (
    Attempt,
    Callback,
    CallbackSettings,
    ComplaintRecord,
    DepartmentWarning,
    PostCallRating,
    SecondaryComplaint,
    SecondDispatch,
    Suggestion,
)
from kefu.core.errors import IllegalTransition
from kefu.customers import services as customer_services
from kefu.customers.services import normalise_email
from kefu.org.models import Department, User
from kefu.tickets import actions
from kefu.tickets.actions import complaints as order_records
from kefu.tickets.choices import LEVEL_QUESTIONS, Channel, EscalationReason, Status
from kefu.tickets.models import CallType, Dispatch, SuggestionSubject, Ticket, TimelineEvent

SUGGESTION_KIND = "suggestion"  # the request kind code of R-CLS-2 建议


def current_settings() -> CallbackSettings:
    return CallbackSettings.current()


# --- Opening a callback (R-CB-1) -------------------------------------------------------------


def callback_due(ticket: Ticket, completed_at: datetime) -> tuple[datetime, bool]:
    """The due time of the callback: the SLA clock ``callback_after_completion`` when kefu.sla
    runs one on the order, else completion + the configured hours. Second value: from SLA."""
    from kefu.sla.choices import TargetKind
    from kefu.sla.models import OPEN_CLOCK, Clock

    clock = (
        Clock.objects.filter(OPEN_CLOCK, ticket=ticket, kind=TargetKind.CALLBACK_AFTER_COMPLETION)
        .order_by("-started_at", "-id")
        .first()
    )
    if clock is not None:
        return clock.due_at, True
    return completed_at + timedelta(hours=current_settings().due_hours), False


def open_callback(ticket: Ticket, completed_at: datetime) -> Callback:
    """The order reached the callback state: one more round is owed (called by the receiver)."""
    Callback.objects.filter(ticket=ticket, status=CallbackStatus.OPEN).update(
        status=CallbackStatus.SUPERSEDED, ended_at=completed_at
    )
    due_at, from_sla = callback_due(ticket, completed_at)
    return Callback.objects.create(
        ticket=ticket,
        round=Callback.objects.filter(ticket=ticket).count() + 1,
        completed_at=completed_at,
        due_at=due_at,
        due_from_sla=from_sla,
        department=ticket.department,
    )


def end_open_round(ticket: Ticket, status: str, at: datetime) -> None:
    """The order left the callback state without this module (closed or sent on directly)."""
    Callback.objects.filter(ticket=ticket, status=CallbackStatus.OPEN).update(
        status=status, ended_at=at
    )


def open_round(ticket: Ticket) -> Callback | None:
    return (
        Callback.objects.filter(ticket=ticket, status=CallbackStatus.OPEN)
        .order_by("-round")
        .first()
    )


def _locked_round(ticket: Ticket) -> Callback:
    if ticket.status != Status.PENDING_CALLBACK:
        raise IllegalTransition(_("The order is not awaiting a callback."))
    found = (
        Callback.objects.select_for_update()
        .filter(ticket=ticket, status=CallbackStatus.OPEN)
        .order_by("-round")
        .first()
    )
    if found is None:  # reached the state before this module existed: owe it now
        found = open_callback(ticket, ticket.updated_at)
    return found


def queue_rounds(limit: int = 200) -> list[Callback]:
    """R-CB-1, R-CB-2: the open callback rounds, soonest due first, with what the surveyor
    dials from: ``tries`` and ``failed`` attempt counts, and ``last_at`` / ``last_outcome`` of
    the latest attempt (correlated subqueries: one query, no GROUP BY over joined rows)."""
    attempts = Attempt.objects.filter(callback=OuterRef("pk")).order_by().values("callback")
    count = Func(F("id"), function="COUNT")
    latest = Attempt.objects.filter(callback=OuterRef("pk")).order_by("-at", "-id")
    return list(
        Callback.objects.filter(status=CallbackStatus.OPEN, ticket__status=Status.PENDING_CALLBACK)
        .select_related("ticket__call_type", "ticket__customer", "department")
        .annotate(
            tries=Coalesce(Subquery(attempts.annotate(n=count).values("n")), 0),
            failed=Coalesce(
                Subquery(attempts.exclude(outcome=Outcome.REACHED).annotate(n=count).values("n")),
                0,
            ),
            last_at=Subquery(latest.values("at")[:1]),
            last_outcome=Subquery(latest.values("outcome")[:1]),
        )
        .order_by("due_at", "id")[:limit]
    )


def may_close_unreachable(callback: Callback, settings: CallbackSettings | None = None) -> bool:
    """R-CB-2: after N failed attempts, or when the contact details are wrong."""
    settings = settings or current_settings()
    attempts = list(callback.attempts.all())
    if any(a.outcome == Outcome.WRONG_NUMBER for a in attempts):
        return True
    return sum(1 for a in attempts if a.outcome in FAILED_OUTCOMES) >= settings.max_failed_attempts


def _reached(callback: Callback) -> Attempt:
    last = callback.attempts.order_by("-at", "-id").first()
    if last is None or last.outcome != Outcome.REACHED:
        raise ValidationError(
            {"outcome": _("Record the call that reached the customer before the result.")}
        )
    return last


# --- Attempts and results (R-CB-2..4) ---------------------------------------------------------


@transaction.atomic
def record_attempt(
    actor: User,
    ticket: Ticket,
    outcome: str,
    note: str = "",
    *,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Attempt:
    """R-CB-2: one call to the customer, with its time and outcome."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose what the call came to.")})
    now = timezone.now()
    when = at or now
    if when > now + actions.FUTURE_TOLERANCE:
        raise ValidationError({"at": _("The call cannot be in the future.")})
    if not actor.has_perm("callbacks.make", ticket):
        raise PermissionDenied(_("You are not allowed to do this on this order."))
    callback = _locked_round(ticket)
    attempt = Attempt.objects.create(
        callback=callback, at=when, outcome=outcome, note=note.strip(), surveyor=actor
    )
    data = {"outcome": outcome, "round": callback.round, "contacted_at": when.isoformat()}
    if note.strip():
        data["note"] = note.strip()
    order_records.record_callback_event(
        actor,
        ticket,
        order_records.CALLBACK_ATTEMPT,
        timeline.attempt_text(data),
        data=data,
        customer_contact=outcome == Outcome.REACHED,
        expected_version=expected_version,
    )
    return attempt


@dataclass
class CallResult:
    """What one call of the attempt form came to (R-CB-2, R-CB-3): the attempt and its number in
    the round; ``closed``: the round closed satisfied in the same submit; ``dissatisfied``: the
    customer's score asks for a second dispatch (R-CB-4), which is the next step."""

    attempt: Attempt
    number: int
    closed: Callback | None = None
    dissatisfied: bool = False


@transaction.atomic
def record_call(
    actor: User,
    ticket: Ticket,
    outcome: str,
    note: str = "",
    *,
    score: Any = None,
    comment: str = "",
    profile_consent: bool = False,
    profile: dict[str, Any] | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> CallResult:
    """One user action: the call (``record_attempt``) and, when it reached the customer and a
    satisfied score was given, the satisfied close (``close_satisfied``) in the same
    transaction: if the close is refused, the call is not recorded either. Without a score only
    the call is recorded; a dissatisfied score records the call and leaves the round open for
    the second dispatch (R-CB-4), which needs the cause and the remedy."""
    given = score not in (None, "")
    if given and outcome != Outcome.REACHED:
        raise ValidationError(
            {"score": _("Record the call that reached the customer before the result.")}
        )
    value = _score(score) if given else None
    attempt = record_attempt(actor, ticket, outcome, note, at=at, expected_version=expected_version)
    number = Attempt.objects.filter(callback=attempt.callback).count()
    if value is None:
        return CallResult(attempt, number)
    if value <= DISSATISFIED_MAX:
        return CallResult(attempt, number, dissatisfied=True)
    closed = close_satisfied(
        actor,
        ticket,
        score=value,
        comment=comment,
        profile_consent=profile_consent,
        profile=profile,
        expected_version=None,  # the row is locked by the attempt above, in this transaction
    )
    return CallResult(attempt, number, closed=closed)


def _profile(consent: bool, profile: dict[str, Any] | None) -> dict[str, str]:
    """R-CB-3: the profile details, checked field by field (errors keyed ``profile_<name>``,
    as the form names them); stored as text, the birthday as an ISO date."""
    values = {k: str(v).strip() for k, v in (profile or {}).items() if str(v or "").strip()}
    unknown = set(values) - {name for name, _label in PROFILE_FIELDS}
    if unknown:
        raise ValidationError(
            {"profile": _("Unknown profile details: %s") % ", ".join(sorted(unknown))}
        )
    if values and not consent:
        raise ValidationError(
            {"profile_consent": _("Profile details are kept only with the customer's consent.")}
        )
    errors: dict[str, str] = {}
    if "email" in values:
        try:
            values["email"] = normalise_email(values["email"])
        except ValidationError:
            errors["profile_email"] = _("Enter a valid e-mail address.")
    if "birthday" in values:
        try:
            birthday = date.fromisoformat(values["birthday"])
        except ValueError:
            errors["profile_birthday"] = _("Enter the birthday as a date (YYYY-MM-DD).")
        else:
            if birthday > timezone.localdate():
                errors["profile_birthday"] = _("The birthday cannot be in the future.")
            values["birthday"] = birthday.isoformat()
    for name, limit in PROFILE_LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors[f"profile_{name}"] = _("At most %(limit)d characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return values


def _to_customer_record(actor: User, ticket: Ticket, details: dict[str, str]) -> bool:
    """R-CB-3: the details the customer agreed to give reach their customer record, through
    kefu.customers (the e-mail is added to the contacts, the address and birthday replace
    the record's). Occupation has no field on the record and stays with the callback.
    Returns whether the record was updated.

    ``update_customer`` asks for ``customers.edit``, which the callback surveyor does not
    hold; without it the details stay with the callback (see the report of this change)."""
    customer = ticket.customer
    wanted = {k: v for k, v in details.items() if k in {"email", "address", "birthday"}}
    if customer is None or customer.merged_into_id or not wanted:
        return False
    if not actor.has_perm("customers.edit"):
        return False
    data = customer_services.current_data(customer)
    if "email" in wanted and wanted["email"] not in data.emails:
        data.emails = [*data.emails, wanted["email"]]
    if "address" in wanted:
        data.address = wanted["address"]
    if "birthday" in wanted:
        data.birthday = date.fromisoformat(wanted["birthday"])
    try:
        customer_services.update_customer(actor, customer, data)
    except ValidationError as error:  # the record itself is incomplete: say so on the form
        raise ValidationError(
            {
                "profile": _("The customer record could not be updated: %(why)s")
                % {"why": " ".join(error.messages)}
            }
        ) from error
    return True


def _score(score: Any) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if value not in Score.values:
        raise ValidationError({"score": _("Choose a satisfaction score from 1 to 5.")})
    return value


@transaction.atomic
def close_satisfied(
    actor: User,
    ticket: Ticket,
    *,
    score: int,
    comment: str = "",
    profile_consent: bool = False,
    profile: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Callback:
    """R-CB-3: the customer rated the result and is not dissatisfied: record it and close."""
    value = _score(score)
    if value <= DISSATISFIED_MAX:
        raise ValidationError(
            {"score": _("A dissatisfied customer gets a second dispatch, not a closed order.")}
        )
    details = _profile(profile_consent, profile)
    callback = _locked_round(ticket)
    _reached(callback)
    note = _("Satisfaction: %(score)d %(label)s") % {"score": value, "label": Score(value).label}
    if comment.strip():
        note += "\n" + comment.strip()
    actions.close_after_callback(actor, ticket, note, expected_version=expected_version)
    _to_customer_record(actor, ticket, details)
    callback.score, callback.comment = value, comment.strip()
    callback.profile_consent, callback.profile = profile_consent, details
    _end(callback, actor, CallbackStatus.SATISFIED)
    return callback


def _end(callback: Callback, actor: User, status: str) -> None:
    callback.status = status
    callback.ended_at = timezone.now()
    callback.ended_by = actor
    callback.save()


@transaction.atomic
def close_unreachable(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None = None
) -> Callback:
    """R-CB-2: after the configured failed attempts, or a wrong number, close as unreachable
    with the reason (through the order's close action)."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Say why the customer cannot be reached.")})
    callback = _locked_round(ticket)
    settings = current_settings()
    if not may_close_unreachable(callback, settings):
        raise ValidationError(
            {
                "reason": _(
                    "Not yet: %(n)d failed attempts are needed, or a wrong number (R-CB-2)."
                )
                % {"n": settings.max_failed_attempts}
            }
        )
    actions.close_after_callback(
        actor,
        ticket,
        _("Closed as unreachable: %(reason)s") % {"reason": text},
        expected_version=expected_version,
    )
    callback.unreachable_reason = text
    _end(callback, actor, CallbackStatus.UNREACHABLE)
    return callback


@dataclass
class ProblemBack:
    """What the surveyor records when the customer is dissatisfied or the problem is back."""

    score: int
    cause: str
    remedy: str
    comment: str = ""
    problem_back: bool = False
    warning: str = ""
    department: Department | None = None
    handler: User | None = None
    instructions: str = ""


@transaction.atomic
def second_dispatch(
    actor: User, ticket: Ticket, data: ProblemBack, *, expected_version: int | None = None
) -> SecondDispatch:
    """R-CB-4: record cause and remedy, draft the second dispatch for senior review (R-WO-3),
    and record a written warning to the department responsible, counted in its assessment."""
    value = _score(data.score)
    errors: dict[str, str] = {}
    if value > DISSATISFIED_MAX and not data.problem_back:
        errors["score"] = _("A second dispatch follows a dissatisfied customer or a problem back.")
    if not data.cause.strip():
        errors["cause"] = _("Say what caused it.")
    if not data.remedy.strip():
        errors["remedy"] = _("Record the apology, explanation or remedy given.")
    callback = _locked_round(ticket)
    original = ticket.dispatches.order_by("-dispatched_at", "-id").first()
    responsible = callback.department or (original.department if original else None)
    if responsible is not None and not data.warning.strip():
        errors["warning"] = _("Write the warning to %(dept)s.") % {"dept": responsible.name}
    if errors:
        raise ValidationError(errors)
    _reached(callback)
    facts = {
        "score": value,
        "problem_back": data.problem_back,
        "round": callback.round,
        "cause": data.cause.strip(),
        "remedy": data.remedy.strip(),
    }
    order_records.record_callback_event(
        actor,
        ticket,
        order_records.PROBLEM_BACK,
        timeline.problem_back_text(facts),
        data=facts,
        expected_version=expected_version,
    )
    # R-CB-4 with R-CLS-6: a senior agent reviews the draft (see the action's docstring).
    draft = actions.submit_second_dispatch(
        actor,
        ticket,
        expected_version=None,
        department=data.department or (original.department if original else None),
        handler=data.handler,
        instructions=data.instructions.strip() or data.cause.strip(),
    )
    callback.score, callback.comment = value, data.comment.strip()
    _end(callback, actor, CallbackStatus.SECOND_DISPATCH)
    record = SecondDispatch.objects.create(
        callback=callback,
        ticket=ticket,
        original_dispatch=original,
        draft=draft,
        problem_back=data.problem_back,
        cause=data.cause.strip(),
        remedy=data.remedy.strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    if responsible is not None:
        _warn(actor, ticket, responsible, data.warning.strip(), record)
    return record


def _warn(
    actor: User, ticket: Ticket, department: Department, text: str, record: SecondDispatch
) -> DepartmentWarning:
    warning = DepartmentWarning.objects.create(
        department=department,
        ticket=ticket,
        second_dispatch=record,
        text=text,
        issued_by=actor,
        issued_at=timezone.now(),
    )
    facts = {
        "warned_department": department.name,  # not "department": that key means a dispatch
        "warning": warning.pk,
        "text": text,
    }
    order_records.system_event(
        ticket, actor, order_records.DEPARTMENT_WARNING, timeline.warning_text(facts), **facts
    )
    from kefu.notifications.services import notify

    notify(
        [p for p in (department.head, department.responsible) if p is not None],
        "callbacks.department_warning",
        title=_("Written warning to %(dept)s on %(number)s")
        % {"dept": department.name, "number": ticket.number},
        body=text,
        ticket=ticket,
        dedupe_key=f"callbacks.warning:{warning.pk}",
    )
    return warning


# --- Post-call rating from telephony (R-CB-5) -------------------------------------------------


@transaction.atomic
def record_post_call_rating(
    actor: User,
    *,
    score: int,
    ticket_number: str = "",
    call_id: str = "",
    rated_at: datetime | None = None,
) -> tuple[PostCallRating, bool]:
    """Store the caller's rating with the contact (order and/or call id). Returns the rating
    and whether it is new: telephony may send the same call twice."""
    if not actor.has_perm("callbacks.record_rating"):
        raise PermissionDenied(_("This account may not record ratings."))
    value = _score(score)
    call_id = (call_id or "").strip()
    if not ticket_number and not call_id:
        raise ValidationError({"ticket_number": _("Give the order number or the call id.")})
    ticket = None
    if ticket_number:
        ticket = Ticket.objects.filter(number=ticket_number.strip()).first()
        if ticket is None:
            raise ValidationError({"ticket_number": _("No order has this number.")})
    if call_id:
        existing = PostCallRating.objects.filter(call_id=call_id).first()
        if existing is not None:
            if existing.score != value:
                raise ValidationError({"call_id": _("This call was already rated differently.")})
            return existing, False
    now = timezone.now()
    if rated_at is not None and rated_at > now + actions.FUTURE_TOLERANCE:
        raise ValidationError({"rated_at": _("The time of the rating cannot be in the future.")})
    try:
        with transaction.atomic():
            rating = PostCallRating.objects.create(
                ticket=ticket,
                call_id=call_id,
                agent=ticket.registered_by if ticket else None,
                score=value,
                # A telephony clock a little ahead counts as now; stored and answered in UTC.
                rated_at=min(rated_at or now, now).astimezone(UTC),
                recorded_by=actor,
            )
    except IntegrityError:  # the same call id from a concurrent request
        return PostCallRating.objects.get(call_id=call_id), False
    if ticket is not None:
        order_records.system_event(
            ticket,
            actor,
            order_records.POST_CALL_RATING,
            timeline.rating_text({"score": value}),
            score=value,
            call_id=call_id,
        )
    return rating, True


# --- Complaint records (R-CLS-3, R-CLS-4) -----------------------------------------------------


def _flag(data: dict[str, Any], name: str) -> bool | None:
    value = data.get(name)
    return value if isinstance(value, bool) else None


# level → (strong emotion, dispute, on site); None where the level does not say.
LEVEL_ANSWERS: dict[str, tuple[bool | None, bool | None, bool | None]] = {
    "I": (False, False, False),
    "II": (True, False, False),
    "III": (False, True, True),
    "IV": (True, None, True),
}


def create_complaint_record(ticket: Ticket, event: TimelineEvent) -> ComplaintRecord:
    """Every complaint order gets its registration form at registration (called by the
    receiver); the level helper's answers arrive in the registration's data."""
    person = ticket.complained_staff
    # Without the helper's answers, the level says what they were (R-CLS-4).
    implied = LEVEL_ANSWERS.get(ticket.level, (None, None, None))
    answers = [_flag(event.data, n) for n in LEVEL_QUESTIONS]
    if all(a is None for a in answers):
        answers = list(implied)
    return ComplaintRecord.objects.create(
        ticket=ticket,
        complainant=(ticket.customer.name if ticket.customer else "") or ticket.contact_name or "—",
        complained_at=ticket.received_at,
        content=ticket.description or ticket.title,
        business_line=ticket.business_line,
        nature=ticket.nature,
        department=(person.department if person else None),
        person=person,
        level=ticket.level,
        emotion_strong=answers[0],
        dispute=answers[1],
        on_site=answers[2],
    )


RECORD_FIELDS = ("business_line", "nature", "department", "person", "substantiated", "complainant")


@transaction.atomic
def update_complaint_record(
    actor: User, record: ComplaintRecord, changes: dict[str, Any]
) -> ComplaintRecord:
    """Complete the registration form: what was complained about, and whether it was
    substantiated once handled."""
    ticket = record.ticket
    if not actor.has_perm("tickets.edit", ticket) and not actor.has_perm("callbacks.make", ticket):
        raise PermissionDenied(_("You are not allowed to do this on this order."))
    unknown = set(changes) - set(RECORD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "complainant" in changes and not str(changes["complainant"] or "").strip():
        raise ValidationError({"complainant": _("Name the complainant.")})
    locked = ComplaintRecord.objects.select_for_update().get(pk=record.pk)
    changed = {}
    for name, value in changes.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            # Prefixed: "department" on a timeline event means a dispatch target.
            changed[f"record_{name}"] = str(value) if value is not None else ""
    if changed:
        locked.save()
        order_records.system_event(
            ticket, actor, order_records.COMPLAINT_RECORD, _("Complaint record updated"), **changed
        )
    return locked


def record_resolution(ticket: Ticket, event: TimelineEvent) -> None:
    """R-CLS-4: a level I–II complaint resolved by the center keeps its resolution record."""
    ComplaintRecord.objects.filter(ticket=ticket).update(
        resolution=event.body, resolved_at=event.at, resolved_by=event.actor
    )


# --- Secondary complaints and the manager hotline (R-WO-2 D, R-ESC-3) -------------------------


@dataclass
class Secondary:
    reason: str
    title: str
    description: str = ""
    level: str = ""
    complained_staff: User | None = None
    refuses_answer: bool = False
    channel: str = Channel.PHONE


@transaction.atomic
def register_secondary(actor: User, original: Ticket, data: Secondary) -> SecondaryComplaint:
    """A type D order about ``original``: registered, linked, routed to the superior of the
    person complained about; repeated complaints and refusals of a correct answer go to the
    manager hotline (R-ESC-3)."""
    if data.reason not in SecondaryReason.values:
        raise ValidationError({"reason": _("Say what the customer complains about again.")})
    # Whoever takes the customer's call registers it: the screen pop shows the caller's
    # orders to every agent (R-IN-4), not only to the original's owner.
    if not actor.has_perm("tickets.register"):
        raise PermissionDenied(_("You are not allowed to do this on this order."))
    person = data.complained_staff or original.handler or original.owner
    repeated = SecondaryComplaint.objects.filter(original=original).exists()
    ticket = actions.register(
        actor,
        actions.Registration(
            call_type=CallType.objects.get(code="D"),
            channel=data.channel,
            title=data.title,
            description=data.description,
            contact_phone=original.contact_phone,
            contact_name=original.contact_name,
            customer=original.customer,
            level=data.level or original.level or "I",
            business_line=original.business_line,
            nature=original.nature,
            complained_staff=person,
            extra={"original": original.number, "reason": data.reason},
        ),
    )
    link = SecondaryComplaint.objects.create(
        ticket=ticket,
        original=original,
        reason=data.reason,
        repeated=repeated,
        refuses_answer=data.refuses_answer,
        created_by=actor,
        created_at=timezone.now(),
    )
    facts = {"secondary": ticket.number, "reason": data.reason}
    order_records.system_event(
        original,
        actor,
        order_records.SECONDARY_COMPLAINT,
        timeline.secondary_text(facts),
        **facts,
    )
    if repeated or data.refuses_answer:
        to_hotline(actor, link)
    return link


def to_hotline(actor: User, link: SecondaryComplaint) -> None:
    """Hand the D order to the manager hotline through the escalation action of kefu.tickets.
    An agent without the escalation permission hands it over as the rule says, through the
    system account, with their name in the note."""
    from kefu.sla.services import system_user

    reason = EscalationReason.REFUSED if link.refuses_answer else EscalationReason.REPEATED
    note = _("%(reason)s (original order %(number)s, registered by %(name)s)") % {
        "reason": EscalationReason(reason).label,
        "number": link.original.number,
        "name": actor.name,
    }
    by = actor if actor.has_perm("tickets.escalate", link.ticket) else system_user()
    actions.hand_to_manager_hotline(by, link.ticket, note, reason=reason)
    link.to_manager_hotline = True
    link.save(update_fields=["to_manager_hotline"])


def hotline_queue(user: User) -> QuerySet[Ticket]:
    """R-ESC-3: open orders with the manager hotline, with what the page shows of each."""
    if not user.has_perm("tickets.take_escalated"):
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(at_manager_hotline=True)
        .exclude(status=Status.CLOSED)
        .select_related("call_type", "owner", "department", "handler", "secondary_of__original")
        .prefetch_related("escalations")
        .order_by("sla_due_at", "received_at", "id")
    )


def history_of(ticket: Ticket) -> list[Ticket]:
    """The chain of orders a complaint came from: the originals of D orders, oldest first,
    and every D order about each."""
    chain: list[Ticket] = []
    seen: set[int] = set()
    current: Ticket | None = ticket
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        link = SecondaryComplaint.objects.filter(ticket=current).select_related("original").first()
        current = link.original if link else None
    root = chain[-1]
    related = Ticket.objects.filter(secondary_of__original__in=[t.pk for t in chain]).exclude(
        pk__in=seen
    )
    return [root, *reversed(chain[:-1]), *related.select_related("call_type")]


# --- Suggestions (R-SUG-1) ----------------------------------------------------------------------


def create_suggestion(ticket: Ticket) -> Suggestion:
    return Suggestion.objects.create(ticket=ticket, subject=ticket.suggestion_subject)


# The suggestions page's filter: value → the statuses it shows (None: every status).
SUGGESTION_FILTERS: dict[str, frozenset[str] | None] = {
    "unclassified": frozenset({SuggestionStatus.REGISTERED}),
    "classified": frozenset({SuggestionStatus.CLASSIFIED, SuggestionStatus.REPORTED}),
    "all": None,
}


def suggestions_for(user: User, show: str = "all") -> QuerySet[Suggestion]:
    """The editor and management see every suggestion; an agent sees those they registered.
    ``show`` is a key of ``SUGGESTION_FILTERS`` (unknown: all)."""
    qs = Suggestion.objects.select_related(
        "ticket", "subject", "ticket__registered_by", "classified_by"
    )
    statuses = SUGGESTION_FILTERS.get(show)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    if user.has_perm("suggestions.classify") or user.has_perm("reports.view"):
        return qs.order_by("-ticket__received_at")
    return qs.filter(ticket__registered_by=user).order_by("-ticket__received_at")


@transaction.atomic
def classify_suggestion(
    actor: User, suggestion: Suggestion, subject: SuggestionSubject | None, note: str = ""
) -> Suggestion:
    """R-SUG-1: the knowledge editor classifies the suggestion by subject."""
    if subject is None:
        raise ValidationError({"subject": _("Choose the subject.")})
    locked = Suggestion.objects.select_for_update().select_related("ticket").get(pk=suggestion.pk)
    order_records.classify_suggestion(actor, locked.ticket, subject, note)
    locked.subject = subject
    locked.note = note.strip()
    if locked.status == SuggestionStatus.REGISTERED:
        locked.status = SuggestionStatus.CLASSIFIED
    locked.classified_by = actor
    locked.classified_at = timezone.now()
    locked.save()
    return locked


# --- Department assessment (R-CB-4) ------------------------------------------------------------


def warning_counts(start: datetime | None = None, end: datetime | None = None) -> dict[int, int]:
    from django.db.models import Count

    qs = DepartmentWarning.objects.all()
    if start is not None:
        qs = qs.filter(issued_at__gte=start)
    if end is not None:
        qs = qs.filter(issued_at__lt=end)
    return dict(qs.values_list("department").annotate(n=Count("id")).values_list("department", "n"))


def original_dispatch_of(ticket: Ticket) -> Dispatch | None:
    return ticket.dispatches.order_by("dispatched_at", "id").first()
