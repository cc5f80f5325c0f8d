"""Every change to the knowledge base, one function per step (R-KB-1..5).

Each function checks the actor's permission (``choices.TRANSITIONS`` names it per step), takes
the article's row lock, checks the step is legal from the article's state, writes the change
and its ``ArticleStep`` (who, when, why) in one transaction. Views, the API, the demo and the
admin all call these functions; nothing else writes an article.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kefu.audit.signals import lock_row
from kefu.core.errors import IllegalTransition, StaleObject
from kefu.kb.access import can_read, may_issue
from kefu.kb.choices import EDITABLE_STATES, TRANSITIONS, Status, Step, transition
from kefu.kb.models import (
    Article,
    ArticleAttachment,
    ArticleStep,
    ArticleUse,
    ArticleVersion,
    Category,
    SearchLog,
)
from kefu.kb.render import to_html
from kefu.kb.search import index_parts
from kefu.org.models import User
from kefu.tickets import actions as ticket_actions
from kefu.tickets.access import is_visible
from kefu.tickets.choices import Status as TicketStatus
from kefu.tickets.models import Ticket

# Fields an editor may set; what a version keeps.
CONTENT_FIELDS = (
    "title",
    "body",
    "wording",
    "tags",
    "category",
    "business_line",
    "issuing_department",
    "notice_ref",
    "effective_from",
    "effective_to",
)
VERSIONED_FIELDS = ("title", "body", "wording", "tags", "effective_from", "effective_to")
EDITABLE_OR_PUBLISHED = frozenset({*EDITABLE_STATES, Status.PUBLISHED})
ANSWERED_STATUSES = frozenset(
    {TicketStatus.FED_BACK, TicketStatus.PENDING_CALLBACK, TicketStatus.CLOSED}
)


# --- Helpers ------------------------------------------------------------------------------


def _require(actor: User, perm: str, article: Article | None = None) -> None:
    if not actor.has_perm(perm, article):
        raise PermissionDenied(_("You are not allowed to do this step on this article."))


def permitted(actor: User, step: str, article: Article) -> bool:
    """Whether ``step`` is legal now and ``actor`` may take it (to offer it in the UI)."""
    move = transition(article.status, step)
    return move is not None and actor.has_perm(move.permission, article)


def allowed_steps(actor: User, article: Article) -> list[str]:
    return [s for s in TRANSITIONS.get(article.status, {}) if permitted(actor, s, article)]


def _lock(article: Article, seen: datetime | None = None) -> Article:
    """Re-read the article under a row lock; with ``seen`` (when the editor's page loaded it,
    its ``updated_at``), refuse if anyone changed it since: never a silent overwrite."""
    locked = lock_row(Article.objects.select_related("updated_by"), article.pk)
    if seen is not None and locked.updated_at != seen:
        raise StaleObject(
            _("“%(title)s” was changed by %(name)s at %(at)s. Reload it and try again.")
            % {
                "title": locked.title,
                "name": locked.updated_by.name,
                "at": timezone.localtime(locked.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    return locked


def _record(article: Article, actor: User, step: str, before: str = "", note: str = "") -> None:
    ArticleStep.objects.create(
        article=article,
        step=step,
        from_status=before,
        to_status=article.status,
        actor=actor,
        at=timezone.now(),
        note=note,
        version=article.version,
    )


def _save(article: Article, actor: User) -> None:
    article.updated_by = actor
    index_parts(article)
    article.body_html = to_html(article.body)
    article.save()


def _apply(article: Article, changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    department = changes.get("issuing_department", article.issuing_department)
    if (
        "issuing_department" in changes
        and getattr(department, "pk", None) != article.issuing_department_id
        and not may_issue(department)
    ):
        raise ValidationError(
            {
                "issuing_department": _(
                    "Nobody in %(department)s can confirm an article's wording. Choose the "
                    "department that will confirm it, or leave it empty for the center."
                )
                % {"department": department}
            }
        )
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(article, name, value)
    errors: dict[str, str] = {}
    if not article.title:
        errors["title"] = _("Give the article a title.")
    start, end = article.effective_from, article.effective_to
    if start and end and end <= start:
        errors["effective_to"] = _("The end date must be after the start date.")
    if errors:
        raise ValidationError(errors)


def _transition(actor: User, locked: Article, step: str) -> str:
    """Check the step is legal from the article's state and the actor may take it; move the
    article to the next state and return the state it was in."""
    move = transition(locked.status, step)
    if move is None:
        raise IllegalTransition(
            _("“%(step)s” is not possible while the article is “%(status)s”.")
            % {"step": Step(step).label, "status": locked.get_status_display()}
        )
    _require(actor, move.permission, locked)
    before = locked.status
    locked.status = move.target
    return before


def _step(actor: User, article: Article, step: str, note: str = "") -> Article:
    """Apply one legal state change with its record; the caller holds the transaction."""
    locked = _lock(article)
    before = _transition(actor, locked, step)
    return _finish(locked, actor, step, before, note)


def _finish(article: Article, actor: User, step: str, before: str, note: str) -> Article:
    _save(article, actor)
    _record(article, actor, step, before, note.strip())
    return article


def _snapshot(article: Article, actor: User, note: str) -> ArticleVersion:
    article.version += 1
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        created_at=timezone.now(),
        created_by=actor,
        change_note=note.strip(),
        **{name: getattr(article, name) for name in VERSIONED_FIELDS},
    )


# --- Creating articles --------------------------------------------------------------------


@dataclass
class Notice:
    """A business notice as it arrives (R-KB-1 first step)."""

    title: str
    category: Category
    notice_ref: str = ""
    body: str = ""
    issuing_department: Any = None
    business_line: Any = None
    effective_from: datetime | None = None
    effective_to: datetime | None = None
    received_at: datetime | None = None


@transaction.atomic
def receive_notice(actor: User, notice: Notice, source: Any = None) -> Article:
    """The editor registers a business notice, with its original document (R-KB-2)."""
    _require(actor, "kb.edit")
    now = timezone.now()
    received = notice.received_at or now
    if received > now:
        raise ValidationError({"received_at": _("The notice cannot arrive in the future.")})
    article = Article(status=Status.RECEIVED, created_at=received, created_by=actor)
    _apply(
        article,
        {
            "title": notice.title,
            "category": notice.category,
            "notice_ref": notice.notice_ref,
            "body": notice.body,
            "issuing_department": notice.issuing_department,
            "business_line": notice.business_line,
            "effective_from": notice.effective_from,
            "effective_to": notice.effective_to,
        },
    )
    _finish(article, actor, Step.RECEIVE, "", "")
    if source is not None:
        _attach(actor, article, source, is_source=True)
    return article


def default_case_category() -> Category:
    category, _created = Category.objects.get_or_create(parent=None, name="疑难案例")
    return category


def article_from_case(ticket: Ticket) -> Article | None:
    """The article in force made from this order, if any: a retired one does not count, so a
    case whose article was withdrawn can become a new draft."""
    return Article.objects.filter(source_ticket=ticket).exclude(status=Status.RETIRED).first()


@transaction.atomic
def draft_from_case(actor: User, ticket: Ticket, category: Category | None = None) -> Article:
    """R-KB-4: a senior agent turns an answered order into a draft article in one step.

    The case's question and answer are the information already collected, so the draft starts
    at "studied": the editor enters it next, then the issuing department confirms.
    """
    _require(actor, "kb.from_case")
    if not is_visible(actor, ticket):
        raise PermissionDenied(_("You cannot see this order."))
    if ticket.status not in ANSWERED_STATUSES or not ticket.resolution.strip():
        raise ValidationError(
            {"ticket": _("Only an answered order (with a resolution) can become an article.")}
        )
    existing = article_from_case(ticket)
    if existing is not None:
        raise ValidationError(
            {
                "ticket": _("This order is already the source of article “%(title)s”.")
                % {"title": existing.title}
            }
        )
    body = _("## Customer's question\n\n%(question)s\n\n## Answer\n\n%(answer)s") % {
        "question": (ticket.description or ticket.title).strip(),
        "answer": ticket.resolution.strip(),
    }
    article = Article(
        status=Status.STUDIED,
        created_by=actor,
        source_ticket=ticket,
        study_notes=_("From hard case %(number)s.") % {"number": ticket.number},
    )
    _apply(
        article,
        {
            "title": ticket.title,
            "category": category or default_case_category(),
            "body": body,
            "wording": ticket.resolution,
            "business_line": ticket.business_line,
            # The department that answered confirms the wording; if nobody there can, the
            # center's manager does.
            "issuing_department": ticket.department if may_issue(ticket.department) else None,
        },
    )
    return _finish(article, actor, Step.FROM_CASE, "", ticket.number)


# --- The workflow steps -------------------------------------------------------------------


@transaction.atomic
def mark_read(actor: User, article: Article, note: str = "") -> Article:
    """The center director has read the notice."""
    return _step(actor, article, Step.READ, note)


@transaction.atomic
def record_study(actor: User, article: Article, notes: str) -> Article:
    """The team studied the notice and collected related information."""
    text = (notes or "").strip()
    if not text:
        raise ValidationError({"note": _("Write what was studied and collected.")})
    locked = _lock(article)
    before = _transition(actor, locked, Step.STUDY)
    locked.study_notes = f"{locked.study_notes}\n\n{text}".strip()
    return _finish(locked, actor, Step.STUDY, before, text)


@transaction.atomic
def save_draft(
    actor: User, article: Article, changes: dict[str, Any], *, seen: datetime | None = None
) -> Article:
    """The editor changes the text before it is confirmed; no new version, still recorded."""
    _require(actor, "kb.edit")
    locked = _lock(article, seen)
    if locked.status not in EDITABLE_STATES:
        raise IllegalTransition(
            _("A confirmed or published article changes only by sending it back or revising.")
        )
    _apply(locked, changes)
    return _finish(locked, actor, Step.SAVE, locked.status, "")


@transaction.atomic
def enter(
    actor: User,
    article: Article,
    changes: dict[str, Any] | None = None,
    *,
    seen: datetime | None = None,
) -> Article:
    """The editor enters the article: the text and the unified wording are complete."""
    locked = _lock(article, seen)
    before = _transition(actor, locked, Step.ENTER)
    if changes:
        _apply(locked, changes)
    errors = {}
    if not locked.wording.strip():
        errors["wording"] = _("Write the unified wording agents will say to customers.")
    if not locked.body.strip():
        errors["body"] = _("Write the article's body.")
    if errors:
        raise ValidationError(errors)
    return _finish(locked, actor, Step.ENTER, before, "")


@transaction.atomic
def confirm(actor: User, article: Article, note: str = "") -> Article:
    """The issuing department confirms the wording."""
    return _step(actor, article, Step.CONFIRM, note)


@transaction.atomic
def send_back(actor: User, article: Article, reason: str) -> Article:
    """The issuing department or the publisher returns the article to the editor."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"note": _("Say why the article is sent back.")})
    return _step(actor, article, Step.SEND_BACK, text)


@transaction.atomic
def publish(actor: User, article: Article, note: str = "") -> Article:
    """Publish: version 1 is kept, and the article is added to the knowledge base. Agents see it
    from its effective date (R-KB-3)."""
    locked = _lock(article)
    before = _transition(actor, locked, Step.PUBLISH)
    now = timezone.now()
    if locked.effective_to and locked.effective_to <= now:
        raise ValidationError({"effective_to": _("The article's end date has passed.")})
    locked.published_at = locked.published_at or now
    _snapshot(locked, actor, note)
    return _finish(locked, actor, Step.PUBLISH, before, note)


@transaction.atomic
def revise(
    actor: User,
    article: Article,
    changes: dict[str, Any],
    note: str,
    *,
    seen: datetime | None = None,
) -> ArticleVersion:
    """R-KB-2: every edit of a published article is a new version, with what changed."""
    _require(actor, "kb.edit")
    text = (note or "").strip()
    if not text:
        raise ValidationError({"note": _("Say what changed in this version.")})
    locked = _lock(article, seen)
    if locked.status != Status.PUBLISHED:
        raise IllegalTransition(_("Only a published article is revised into a new version."))
    before = {name: getattr(locked, name) for name in CONTENT_FIELDS}
    _apply(locked, changes)
    if all(getattr(locked, name) == before[name] for name in CONTENT_FIELDS):
        raise ValidationError({"__all__": _("Nothing changed.")})
    version = _snapshot(locked, actor, text)
    _finish(locked, actor, Step.REVISE, locked.status, text)
    return version


@transaction.atomic
def retire(actor: User, article: Article, reason: str) -> Article:
    """Take an article out of service; it stays in the history with its retirement time."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"note": _("Say why the article is retired.")})
    locked = _lock(article)
    before = _transition(actor, locked, Step.RETIRE)
    locked.retired_at = timezone.now()
    return _finish(locked, actor, Step.RETIRE, before, text)


def _attach(actor: User, article: Article, upload: Any, *, is_source: bool) -> ArticleAttachment:
    return ArticleAttachment.objects.create(
        article=article,
        file=upload,
        name=upload.name[:200],
        is_source=is_source,
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size or 0,
        uploaded_by=actor,
    )


@transaction.atomic
def attach(actor: User, article: Article, upload: Any, *, is_source: bool = False) -> Any:
    """File a document on the article (R-KB-2); the editor files original documents."""
    _require(actor, "kb.file_documents")
    locked = _lock(article)
    attachment = _attach(actor, locked, upload, is_source=is_source)
    _record(
        locked, actor, Step.SAVE, locked.status, _("File: %(name)s") % {"name": attachment.name}
    )
    return attachment


# --- Use on orders and search log (R-KB-5) ------------------------------------------------


@transaction.atomic
def record_use(actor: User, article: Article, ticket: Ticket) -> ArticleUse:
    """The article answered this order: counted here, and noted on the order's timeline through
    the work-order action for notes. Using it twice on one order counts once."""
    if not can_read(actor, article) or not article.is_live():
        raise PermissionDenied(_("This article is not in service."))
    existing = ArticleUse.objects.filter(article=article, ticket=ticket).first()
    if existing is not None:
        return existing
    note = _("Knowledge base article used: 《%(title)s》 (version %(version)s, #%(id)s)") % {
        "title": article.title,
        "version": article.version,
        "id": article.pk,
    }
    # Raises PermissionDenied if the actor may not write on the order.
    ticket_actions.add_note(actor, ticket, note)
    try:
        with transaction.atomic():
            return ArticleUse.objects.create(
                article=article,
                version=article.version,
                ticket=ticket,
                user=actor,
                at=timezone.now(),
            )
    except IntegrityError as exc:  # recorded by a concurrent request
        raise ValidationError(_("This article is already recorded on the order.")) from exc


def log_search(actor: User | None, query: str, results: int, source: str) -> None:
    text = " ".join((query or "").split())[:200]
    if len(text) >= 2:
        SearchLog.objects.create(
            query=text, results=results, source=source, user=actor, at=timezone.now()
        )


# --- Version diff -------------------------------------------------------------------------


def diff(old: ArticleVersion, new: ArticleVersion) -> list[tuple[str, SafeString]]:
    """Field by field, the changed text of two versions as side-by-side HTML tables."""
    labels = {
        "title": _("Title"),
        "wording": _("Unified wording"),
        "body": _("Body"),
        "tags": _("Tags"),
        "effective_from": _("Effective from"),
        "effective_to": _("Effective to"),
    }
    out: list[tuple[str, SafeString]] = []
    maker = difflib.HtmlDiff(tabsize=2, wrapcolumn=50)
    for name, label in labels.items():
        a, b = _text(getattr(old, name)), _text(getattr(new, name))
        if a == b:
            continue
        table = maker.make_table(
            a.splitlines() or [""],
            b.splitlines() or [""],
            fromdesc=f"v{old.number}",
            todesc=f"v{new.number}",
            context=len(a) + len(b) > 2000,
        )
        out.append((str(label), mark_safe(table)))  # noqa: S308 - HtmlDiff escapes the text
    return out


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value or "")
