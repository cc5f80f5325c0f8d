"""Knowledge-base pages: catalogue and search, article, workflow steps, versions, usage; the
search panel beside the intake form (R-KB-1..5). Each view: form → access → workflow → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.forms import apply_validation_error
from kefu.core.types import AuthedRequest
from kefu.kb import queries, workflow
from kefu.kb.access import access_article, expected_actors, sees_workflow
from kefu.kb.choices import SearchSource, Status, Step
from kefu.kb.forms import ArticleForm, AttachForm, NoticeForm, SearchForm, StepForm
from kefu.kb.models import Article, ArticleUse, ArticleVersion
from kefu.lib.trees import build_tree, flatten
from kefu.tickets.access import access_ticket


def _reader(request: AuthedRequest) -> None:
    if not queries.may_read_kb(request.user):
        raise PermissionDenied


def _search_context(request: AuthedRequest, source: str) -> dict[str, Any]:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.Filters(
        data.get("category"), data.get("business_line"), bool(data.get("unpublished"))
    )
    text = data.get("q", "")
    found = queries.find(request.user, text, filters, source=source) if text.strip() else None
    return {"form": form, "found": found, "filters": filters, "q": text}


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The catalogue by category, the search, and the articles on their way to publication."""
    _reader(request)
    context = _search_context(request, SearchSource.KB)
    if context["found"] is None:
        filters = context["filters"]
        context["articles"] = queries.catalogue(request.user, filters.category, filters)[:50]
    tree = build_tree(queries.categories(), lambda c: c.pk, lambda c: c.parent_id)
    context["tree"] = flatten(tree)
    context["pending"] = list(queries.in_workflow(request.user)[:50])
    context["sees_workflow"] = sees_workflow(request.user)
    if request.htmx:
        return render(request, "kb/partials/results.html", context)
    return render(request, "kb/index.html", context)


@login_required
def panel_results(request: AuthedRequest) -> HttpResponse:
    """Search results in the side panel of the intake form."""
    _reader(request)
    context = _search_context(request, SearchSource.INTAKE)
    return render(request, "kb/partials/panel_results.html", context)


@login_required
def panel_article(request: AuthedRequest, pk: int) -> HttpResponse:
    _reader(request)
    article = access_article(request.user, pk)
    return render(request, "kb/partials/panel_article.html", {"article": article})


@login_required
def article(request: AuthedRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = access_article(request.user, pk)
    user = request.user
    context = {
        "article": item,
        "steps": item.steps.select_related("actor"),
        "versions": list(item.versions.select_related("created_by")),
        "attachments": item.attachments.all(),
        "allowed": workflow.allowed_steps(user, item),
        "step_form": StepForm(),
        "attach_form": AttachForm() if user.has_perm("kb.file_documents") else None,
        "may_edit": user.has_perm("kb.edit") and item.status in workflow.EDITABLE_OR_PUBLISHED,
        "may_study": workflow.permitted(user, Step.STUDY, item),
        "uses": ArticleUse.objects.filter(article=item).count(),
        "is_live": item.is_live(),
        "expected": expected_actors(item) if sees_workflow(user) else [],
    }
    return render(request, "kb/article.html", context)


@login_required
@permission_required("kb.edit", raise_exception=True)
def new_notice(request: AuthedRequest) -> HttpResponse:
    """R-KB-1 first step: a business notice arrives, with its original document."""
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = workflow.Notice(
            **{k: v for k, v in data.items() if k not in {"source", "received_at"}},
            received_at=data.get("received_at"),
        )
        try:
            item = workflow.receive_notice(request.user, notice, data.get("source"))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Notice registered."))
            return redirect("kb:article", pk=item.pk)
    return render(request, "kb/form.html", {"form": form, "heading": _("Register a notice")})


@login_required
@permission_required("kb.edit", raise_exception=True)
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save a draft, enter it (the "enter" button), or revise a published article."""
    item = access_article(request.user, pk)
    initial = {name: getattr(item, name) for name in workflow.CONTENT_FIELDS}
    initial["business_line"] = item.business_line.code if item.business_line else None
    initial["seen"] = item.updated_at.isoformat()
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _save_article(request, item, form)
        except (ValidationError, IllegalTransition, PermissionDenied, StaleObject) as error:
            _show(request, form, error)
        else:
            return redirect("kb:article", pk=item.pk)
    context = {"form": form, "article": item, "heading": item.title}
    return render(request, "kb/form.html", context)


def _save_article(request: AuthedRequest, item: Article, form: ArticleForm) -> None:
    user, changes, seen = request.user, form.changes(), form.cleaned_data.get("seen")
    if item.status == Status.PUBLISHED:
        note = form.cleaned_data.get("note", "")
        version = workflow.revise(user, item, changes, note, seen=seen)
        messages.success(request, _("Version %(n)s saved.") % {"n": version.number})
    elif "enter" in request.POST:
        workflow.enter(user, item, changes, seen=seen)
        messages.success(request, _("Entered; the issuing department confirms it next."))
    else:
        workflow.save_draft(user, item, changes, seen=seen)
        messages.success(request, _("Draft saved."))


def _show(request: AuthedRequest, form: Any, error: Exception) -> None:
    if isinstance(error, ValidationError) and form is not None:
        apply_validation_error(form, error)
    else:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


STEPS: dict[str, Callable[..., Any]] = {
    Step.READ: workflow.mark_read,
    Step.STUDY: workflow.record_study,
    Step.CONFIRM: workflow.confirm,
    Step.SEND_BACK: workflow.send_back,
    Step.PUBLISH: workflow.publish,
    Step.RETIRE: workflow.retire,
}


@login_required
@require_POST
def step(request: AuthedRequest, pk: int, name: str) -> HttpResponse:
    action = STEPS.get(name)
    if action is None:
        raise Http404
    item = access_article(request.user, pk)
    form = StepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        action(request.user, item, note)
    except (ValidationError, IllegalTransition, PermissionDenied) as error:
        _show(request, None, error)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": Step(name).label})
    return redirect("kb:article", pk=pk)


@login_required
@permission_required("kb.file_documents", raise_exception=True)
@require_POST
def attach(request: AuthedRequest, pk: int) -> HttpResponse:
    item = access_article(request.user, pk)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        upload, is_source = form.cleaned_data["file"], form.cleaned_data["is_source"]
        workflow.attach(request.user, item, upload, is_source=is_source)
        messages.success(request, _("File added."))
    else:
        messages.error(request, _("Choose a file to add."))
    return redirect("kb:article", pk=pk)


@login_required
def diff(request: AuthedRequest, pk: int) -> HttpResponse:
    """The changes between two versions (default: the newest against the one before)."""
    _reader(request)
    item = access_article(request.user, pk)
    versions = {v.number: v for v in ArticleVersion.objects.filter(article=item)}
    if len(versions) < 2:
        raise Http404
    newest = max(versions)
    new = versions.get(_int(request.GET.get("b"), newest))
    old = versions.get(_int(request.GET.get("a"), (new.number if new else newest) - 1))
    if old is None or new is None:
        raise Http404
    if old.number > new.number:
        old, new = new, old
    context = {"article": item, "old": old, "new": new, "changes": workflow.diff(old, new)}
    context["numbers"] = sorted(versions)
    return render(request, "kb/diff.html", context)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@login_required
@require_POST
def record_use(request: AuthedRequest) -> HttpResponse:
    """Record articles as used on an order: from the article page (order number typed in) or,
    right after registration, the articles whose wording was copied on the intake form."""
    _reader(request)
    number = request.POST.get("ticket", "").strip()
    ids = [int(i) for i in request.POST.getlist("article") if i.isdigit()]
    try:
        ticket = access_ticket(request.user, number)
    except Http404:
        ticket = None
    recorded = 0
    if ticket is not None:
        for pk in ids[:10]:
            try:
                workflow.record_use(request.user, access_article(request.user, pk), ticket)
                recorded += 1
            except (Http404, PermissionDenied, ValidationError):
                continue
    if request.htmx:
        context = {"ticket": ticket, "uses": queries.uses_on(ticket)} if ticket else {"uses": []}
        return render(request, "kb/partials/ticket_articles_list.html", context)
    if ticket is None:
        messages.error(
            request, _("No order %(number)s that you can write on.") % {"number": number}
        )
    elif recorded:
        messages.success(request, _("Recorded on order %(number)s.") % {"number": ticket.number})
    else:
        messages.error(request, _("The article is not in service and cannot be recorded."))
    return redirect(request.POST["next"]) if _safe(request) else redirect("kb:index")


def _safe(request: AuthedRequest) -> bool:
    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@permission_required("kb.from_case", raise_exception=True)
@require_POST
def from_case(request: AuthedRequest, number: str) -> HttpResponse:
    """R-KB-4: one step from an answered order to a draft article."""
    ticket = access_ticket(request.user, number)
    try:
        item = workflow.draft_from_case(request.user, ticket)
    except (ValidationError, PermissionDenied) as error:
        _show(request, None, error)
        return redirect("tickets:detail", number=number)
    messages.success(
        request, _("Draft article created from order %(number)s.") % {"number": number}
    )
    return redirect("kb:article", pk=item.pk)


@login_required
@permission_required("kb.edit", raise_exception=True)
def usage(request: AuthedRequest) -> HttpResponse:
    """For the editor: most-used, never-used, searched but not found (R-KB-5)."""
    return render(request, "kb/usage.html", {"usage": queries.usage()})
