"""The classification taxonomy (R-CLS-1..3) and routing rules (R-WO-2), all editable data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kefu.org.models import Department
from kefu.tickets.choices import Level, RouteAction


class TaxonomyItem(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(
        _("English name"),
        max_length=60,
        blank=True,
        help_text=_("Shown when the interface is in English; left empty, the name is shown."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the taxonomy is data, so it carries its own."""
        language = translation.get_language() or ""
        return self.name_en if self.name_en and language.startswith("en") else self.name


class CallType(TaxonomyItem):
    """R-CLS-1 call type (来电分流): A1, A2, B, C, D, E, F, each with its own routing."""

    description = models.CharField(_("description"), max_length=200, blank=True)
    is_complaint = models.BooleanField(
        _("complaint"), default=False, help_text=_("Complaints carry a level I–IV (R-CLS-4).")
    )

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("call type")
        verbose_name_plural = _("call types")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class RequestKind(TaxonomyItem):
    """R-CLS-2 request kinds: after-sales fault, business request, repair report, …"""

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("request kind")
        verbose_name_plural = _("request kinds")


class BusinessLine(TaxonomyItem):
    """R-CLS-3 business line (业务) of a complaint."""

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("business line")
        verbose_name_plural = _("business lines")


class Nature(TaxonomyItem):
    """R-CLS-3 nature (性质) of a complaint."""

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("nature")
        verbose_name_plural = _("natures")


class SuggestionSubject(TaxonomyItem):
    """R-CLS-3 / R-SUG-1 subject of a suggestion."""

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("suggestion subject")
        verbose_name_plural = _("suggestion subjects")


class RoutingRule(models.Model):
    """R-WO-2: what happens to an order of a call type (and, optionally, complaint level).

    A rule naming a level wins over the type's rule without one. A dispatch rule without a
    department leaves the choice to the agent.
    """

    call_type = models.ForeignKey(
        CallType,
        verbose_name=_("call type"),
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    level = models.CharField(_("level"), max_length=3, choices=Level.choices, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=RouteAction.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department_code = models.SlugField(
        _("default department code"),
        max_length=50,
        blank=True,
        help_text=_("Used when no department is chosen: the department with this code."),
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["call_type", "level"], name="tickets_routing_unique")
        ]

    def __str__(self) -> str:
        level = f"-{self.level}" if self.level else ""
        return f"{self.call_type.code}{level} → {self.get_action_display()}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.level and self.call_type_id and not self.call_type.is_complaint:
            errors["level"] = _("Only complaints have levels; leave the level empty for this type.")
        if (
            self.department_code
            and self.department_id is None
            and not Department.objects.filter(code=self.department_code, is_active=True).exists()
        ):
            errors["department_code"] = _("No active department has this code.")
        if errors:
            raise ValidationError(errors)
