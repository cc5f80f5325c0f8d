"""Reading the audit trail: filters and keyset pagination shared by the viewer and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from kefu.audit.models import AuditRecord
from kefu.audit.signals import audited_models

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# Values that audit records of whole actions (an import, an export, a merge) carry beside the
# model's own fields; a context, because these words alone are ambiguous.
DETAIL_LABELS: dict[str, Any] = {
    "created": pgettext_lazy("audit detail", "created"),
    "skipped": pgettext_lazy("audit detail", "skipped"),
    "rows": pgettext_lazy("audit detail", "rows"),
    "file": pgettext_lazy("audit detail", "file"),
    "file_format": pgettext_lazy("audit detail", "file format"),
    "scope": pgettext_lazy("audit detail", "scope"),
    "purpose": pgettext_lazy("audit detail", "purpose"),
    "source": pgettext_lazy("audit detail", "merged customer"),
    "target": pgettext_lazy("audit detail", "merged into"),
    "orders": pgettext_lazy("audit detail", "orders moved"),
    "contacts": pgettext_lazy("audit detail", "contact points moved"),
}


def field_label(content_type: ContentType | None, name: str) -> str:
    """What the reader calls a changed value: the model field's verbose name in the reader's
    language (``updated_by_id`` is the field ``updated_by``), else the action's own label,
    else the stored name."""
    model = content_type.model_class() if content_type is not None else None
    if model is not None:
        opts = model._meta
        field: Any
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            field = next((f for f in opts.concrete_fields if f.attname == name), None)
        verbose = getattr(field, "verbose_name", None)
        if verbose:
            return str(capfirst(verbose))
    if name in DETAIL_LABELS:
        return str(capfirst(DETAIL_LABELS[name]))
    return name


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # employee number, or part of the name
    action: str = ""
    model: str = ""  # "app_label.modelname", e.g. "tickets.ticket"
    object_id: str = ""
    date_from: date | None = None  # business days in the center's time zone, inclusive
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(filters: AuditFilters) -> QuerySet[AuditRecord]:
    qs = AuditRecord.objects.all()
    if filters.actor:
        qs = qs.filter(Q(actor_employee_no=filters.actor) | Q(actor_name__icontains=filters.actor))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.model:
        app_label, _dot, model = filters.model.lower().partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        qs = qs.filter(content_type=content_type) if content_type else qs.none()
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.date_from:
        qs = qs.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return qs


def page(
    qs: QuerySet[AuditRecord], before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[AuditRecord], int | None]:
    """Newest first; ``before`` is the id the previous page ended at. Returns the rows and the
    cursor of the next page (None on the last). Ids only grow, so the order is stable while
    new records arrive."""
    qs = qs.order_by("-id").select_related("content_type")
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: size + 1])
    next_cursor = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], next_cursor


def model_choices() -> list[tuple[str, Any]]:
    """The audited models, for the filter: ("tickets.ticket", "Work order")."""
    return sorted(
        ((m._meta.label_lower, m._meta.verbose_name) for m in audited_models()),
        key=lambda pair: str(pair[1]),
    )
