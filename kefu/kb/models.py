"""The knowledge base (SPEC §8): a category tree of articles, each with its unified answer
wording (统一口径), its approval steps (R-KB-1), versions, source documents and effective dates
(R-KB-2, R-KB-3), the orders it was used on and what agents searched for (R-KB-5); and the
standard phrases (常用语) offered beside the order page's text boxes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.permissions import RestrictedQuerySet
from kefu.kb.choices import STATUS_COLOURS, PhraseKind, SearchSource, Status, Step

USER = settings.AUTH_USER_MODEL


class Category(models.Model):
    """A node of the catalogue (R-KB-2), e.g. 宽带业务 › 故障报修."""

    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="kb_category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


def live_q(at: datetime | None = None) -> models.Q:
    """Published and inside the effective window at ``at`` (R-KB-3)."""
    now = at or timezone.now()
    return (
        models.Q(status=Status.PUBLISHED)
        & (models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=now))
        & (models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=now))
    )


class ArticleQuerySet(RestrictedQuerySet["Article"]):
    def live(self, at: datetime | None = None) -> ArticleQuerySet:
        return self.filter(live_q(at))


class Article(models.Model):
    """One piece of knowledge: a business notice on its way through the workflow, then a
    published article agents search during calls.

    The content fields hold the current text; every published text is also kept as an
    ``ArticleVersion`` (``version`` is the number of the newest one, 0 before publication).
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    business_line = models.ForeignKey(
        "tickets.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuing_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("issuing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Confirms the wording before publication (R-KB-1)."),
    )
    notice_ref = models.CharField(_("notice reference"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    wording = models.TextField(
        _("unified wording"),
        blank=True,
        help_text=_("What agents say to customers (统一口径), word for word."),
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    study_notes = models.TextField(_("study notes and collected information"), blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    effective_from = models.DateTimeField(_("effective from"), null=True, blank=True)
    effective_to = models.DateTimeField(_("effective to"), null=True, blank=True)
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("from hard case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("added at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        USER, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )

    # Segmented words (kefu.lib.segment) per weighted part, indexed for search (migration 0002).
    search_title = models.TextField(blank=True, editable=False)
    search_wording = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # Covers the "in service" test (R-KB-3), so a search's filter reads no article rows:
            # 112 ms → 11 ms at 20k articles on SQLite (bench/kb_bench.py).
            models.Index(
                fields=["status", "effective_from", "effective_to"], name="kb_article_live"
            ),
            models.Index(fields=["category", "status"], name="kb_article_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    def is_live(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return (
            self.status == Status.PUBLISHED
            and (self.effective_from is None or self.effective_from <= now)
            and (self.effective_to is None or self.effective_to > now)
        )

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace("，", ",").replace(" ", ",").split(",") if t]


class ArticleStep(models.Model):
    """One recorded workflow step: who did what, when, and why (R-KB-1)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note / reason"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article step")
        verbose_name_plural = _("article steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.step} {self.at:%Y-%m-%d %H:%M}"


class ArticleVersion(models.Model):
    """The text of an article as published: version 1 at publication, one more per revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    wording = models.TextField(_("unified wording"), blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    effective_from = models.DateTimeField(_("effective from"), null=True, blank=True)
    effective_to = models.DateTimeField(_("effective to"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    change_note = models.TextField(_("what changed"), blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


def attachment_path(instance: ArticleAttachment, filename: str) -> str:
    return f"kb/{instance.article_id}/{filename}"


class ArticleAttachment(models.Model):
    """A file on an article; ``is_source`` marks the original business notice (R-KB-2)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    is_source = models.BooleanField(_("original source document"), default=False)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")
        ordering = ["-is_source", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ArticleUse(models.Model):
    """An article (at a version) used to answer a work order (R-KB-5): counted for the editor."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    version = models.PositiveIntegerField(_("version"))
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("article use")
        verbose_name_plural = _("article uses")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="kb_use_once_per_order")
        ]
        indexes = [models.Index(fields=["ticket", "-at"], name="kb_use_ticket")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version} → {self.ticket_id}"


class SearchLog(models.Model):
    """One search an agent ran: the editor sees what was searched and not found (R-KB-5)."""

    query = models.CharField(_("query"), max_length=200)
    results = models.PositiveIntegerField(_("results"))
    source = models.CharField(_("source"), max_length=10, choices=SearchSource.choices)
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("knowledge search")
        verbose_name_plural = _("knowledge searches")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["results", "-at"], name="kb_search_not_found")]

    def __str__(self) -> str:
        return f"{self.query} ({self.results})"


class Phrase(models.Model):
    """A standard phrase (常用语): a text agents and handlers insert into a box of one kind
    instead of typing it, for one call type or (without one) for every order."""

    title = models.CharField(_("title"), max_length=60)
    text = models.TextField(_("text"))
    kind = models.CharField(_("text box"), max_length=20, choices=PhraseKind.choices)
    call_type = models.ForeignKey(
        "tickets.CallType",
        verbose_name=_("call type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: offered on orders of every call type."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("standard phrase")
        verbose_name_plural = _("standard phrases")
        ordering = ["kind", "sort_order", "title"]

    def __str__(self) -> str:
        return self.title
