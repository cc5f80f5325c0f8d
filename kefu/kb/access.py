"""Who may see and touch which articles (R-ORG-3, R-KB-1, R-KB-3).

* Staff who run the workflow (editor, director, the team that studies notices, publisher) see
  every article in every state.
* The issuing department sees its own articles in every state: it confirms their wording.
* Everyone else with ``kb.view`` sees published articles inside their effective window only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from kefu.core.permissions import object_rule
from kefu.kb.choices import TRANSITIONS, Status, Step
from kefu.kb.models import Article, ArticleQuerySet, live_q
from kefu.org.models import Department, User, staff_granted, subtree_ids
from kefu.tickets.access import department_ids

WORKFLOW_PERMS = ("kb.edit", "kb.publish", "kb.read_notice", "kb.study")
NOTHING = Q(pk__in=[])


def sees_workflow(user: Any) -> bool:
    return user.is_superuser or any(user.has_perm(p) for p in WORKFLOW_PERMS)


def confirm_q(user: Any) -> Q:
    """Articles whose wording the user's department confirms; the center's own articles (no
    issuing department) are confirmed by the manager (``kb.approve``)."""
    ids = department_ids(user)
    condition = Q(issuing_department_id__in=ids) if ids else NOTHING
    if user.has_perm("kb.approve"):
        condition |= Q(issuing_department__isnull=True)
    return condition


def may_confirm(user: Any, article: Article) -> bool:
    if article.issuing_department_id is None:
        return user.has_perm("kb.approve")
    return article.issuing_department_id in department_ids(user)


object_rule("kb.confirm", Article, check=may_confirm)(confirm_q)


def confirmable_department_ids() -> set[int]:
    """Departments whose articles someone can confirm (R-KB-1): the subtree of the department of
    every active holder of ``kb.confirm`` (the same reach as ``may_confirm``)."""
    roots = (
        staff_granted("kb.confirm").exclude(department=None).values_list("department_id", flat=True)
    )
    return set(subtree_ids(*roots, among=Department.objects.filter(is_active=True)))


def may_issue(department: Department | None) -> bool:
    """Whether an article can name ``department`` as its issuer: someone must be able to
    confirm its wording, or the article would stop at "entered" for good."""
    return department is None or department.pk in confirmable_department_ids()


def confirmers(article: Article) -> list[User]:
    """Who can confirm the article's wording: staff holding ``kb.confirm`` in the issuing
    department or a unit above it; the managers for the center's own articles."""
    holders = staff_granted("kb.confirm")
    department = article.issuing_department
    if department is None:
        holders = holders.filter(pk__in=staff_granted("kb.approve").values("pk"))
    else:
        chain = [node.pk for node in department.ancestors()] + [department.pk]
        holders = holders.filter(department_id__in=chain)
    return list(holders.order_by("employee_no"))


def expected_actors(article: Article) -> list[tuple[str, list[User]]]:
    """The steps the article waits for and who can take each (the main steps: sending back
    is left out). An empty list of people means the article is stuck."""
    expected: list[tuple[str, list[User]]] = []
    for step, move in TRANSITIONS.get(article.status, {}).items():
        if step == Step.SEND_BACK or article.status == Status.PUBLISHED:
            continue
        if move.permission == "kb.confirm":
            people = confirmers(article)
        else:
            people = list(staff_granted(move.permission).order_by("employee_no"))
        expected.append((step, people))
    return expected


def visible_articles(user: Any) -> ArticleQuerySet:
    """Every article the user may read, as one queryset."""
    if not getattr(user, "is_authenticated", False):
        return Article.objects.none()
    if sees_workflow(user):
        return Article.objects.all()
    scopes: list[Q] = []
    if user.has_perm("kb.view"):
        scopes.append(live_q())
    if user.has_perm("kb.confirm"):
        scopes.append(confirm_q(user) & ~Q(status=Status.RETIRED))
    if not scopes:
        return Article.objects.none()
    condition = scopes[0]
    for scope in scopes[1:]:
        condition |= scope
    return Article.objects.filter(condition)


def can_read(user: Any, article: Article) -> bool:
    """The same rule over an article in memory."""
    if sees_workflow(user):
        return True
    if user.has_perm("kb.view") and article.is_live():
        return True
    return (
        user.has_perm("kb.confirm")
        and article.status != Status.RETIRED
        and may_confirm(user, article)
    )


def access_article(user: Any, pk: int) -> Article:
    """Fetch an article the user may read; 404 otherwise (no probing for ids)."""
    try:
        article = Article.objects.select_related(
            "category", "business_line", "issuing_department", "created_by", "updated_by"
        ).get(pk=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc
    if not can_read(user, article):
        raise Http404
    return article
