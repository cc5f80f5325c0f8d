"""The work order (工单) and what hangs off it: dispatches, reviewed drafts, the timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.permissions import RestrictedQuerySet
from kefu.lib.segment import index_text
from kefu.tickets.choices import (
    STATUS_COLOURS,
    Channel,
    CloseReason,
    DraftKind,
    DraftStatus,
    EventKind,
    Level,
    Priority,
    Status,
    Visibility,
)

USER = settings.AUTH_USER_MODEL


class TicketQuerySet(RestrictedQuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        return self.exclude(status=Status.CLOSED)

    def for_list(self) -> TicketQuerySet:
        return self.select_related("call_type", "owner", "department", "handler")


class Ticket(models.Model):
    """A work order: one customer request, recorded, routed and tracked until closed (§4).

    ``version`` grows with every change; a write that names an older version is refused, so two
    people editing one order never overwrite each other silently.
    """

    number = models.CharField(_("number"), max_length=32, unique=True)
    call_type = models.ForeignKey(
        "tickets.CallType", verbose_name=_("call type"), on_delete=models.PROTECT, related_name="+"
    )
    request_kind = models.ForeignKey(
        "tickets.RequestKind",
        verbose_name=_("request kind"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_line = models.ForeignKey(
        "tickets.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nature = models.ForeignKey(
        "tickets.Nature",
        verbose_name=_("nature"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion_subject = models.ForeignKey(
        "tickets.SuggestionSubject",
        verbose_name=_("suggestion subject"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("complaint level"), max_length=3, choices=Level.choices, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    senior_only = models.BooleanField(
        _("senior agents only"),
        default=False,
        help_text=_("VIP, major, important and leased-line customers (R-CLS-6)."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact_name = models.CharField(_("caller name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact number"), max_length=20, blank=True)
    title = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    complained_staff = models.ForeignKey(
        USER,
        verbose_name=_("person complained about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For secondary complaints (D): the order goes to this person's superior."),
    )

    received_at = models.DateTimeField(_("received at"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        USER, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        USER,
        verbose_name=_("first-contact owner"),
        on_delete=models.PROTECT,
        related_name="owned_tickets",
        help_text=_("Owns the order until it is handed on (R-WO-10)."),
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    handler = models.ForeignKey(
        USER,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_tickets",
    )
    help_requested = models.BooleanField(_("help requested"), default=False)
    has_pending_draft = models.BooleanField(_("draft awaiting review"), default=False)
    resolution = models.TextField(_("resolution"), blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Time limits and escalation (SPEC §5). ``sla_due_at`` is the earliest due time of the
    # order's running SLA clocks, kept by kefu.sla so queues can sort by it with an index.
    sla_due_at = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        USER,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_tickets",
    )
    at_manager_hotline = models.BooleanField(_("at the manager hotline"), default=False)
    waiting_on_customer = models.BooleanField(_("waiting on the customer"), default=False)
    planned_resolution_at = models.DateTimeField(_("planned resolution"), null=True, blank=True)

    search_text = models.TextField(
        blank=True, editable=False, help_text="Segmented words, indexed for search (lib.segment)."
    )

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="tickets_recent"),
            models.Index(fields=["status", "-received_at"], name="tickets_status_recent"),
            models.Index(fields=["owner", "status"], name="tickets_owner_status"),
            models.Index(fields=["department", "status"], name="tickets_dept_status"),
            # Phone search lists a caller's orders newest first: a frequent caller has thousands.
            models.Index(
                fields=["contact_phone", "-received_at", "-id"], name="tickets_phone_recent"
            ),
            models.Index(fields=["customer", "status"], name="tickets_customer_status"),
            # Queues sorted by the next SLA due time (kefu.sla), keyset-paginated.
            models.Index(fields=["sla_due_at", "id"], name="tickets_sla_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def refresh_search_text(self) -> None:
        """Call before saving a change to any searched field."""
        self.search_text = index_text(self.title, self.description, self.contact_name)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def type_label(self) -> str:
        """A1-III style label: type and, for complaints, level."""
        code = self.call_type.code
        return f"{code}-{self.level}" if self.level else code


class TicketSequence(models.Model):
    """The last number handed out per call type and day (R-WO-11). Only ever counts up, so a
    number is never given twice, even if the order that had it is purged."""

    key = models.CharField(max_length=40, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class Dispatch(models.Model):
    """One dispatch of an order to a department and its responsible person (R-ORG-1)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="dispatches")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    instructions = models.TextField(_("instructions"), blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    dispatched_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-dispatched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ticket.number} → {self.department}"


class DispatchDraft(models.Model):
    """A dispatch, follow-up, withdrawal or second dispatch drafted by an agent and reviewed by a
    senior agent before it is sent (R-WO-3, R-WO-5)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(_("kind"), max_length=20, choices=DraftKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DraftStatus.choices, default=DraftStatus.PENDING
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instructions = models.TextField(_("instructions / reason"), blank=True)
    original_dispatch = models.ForeignKey(
        Dispatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"))
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("draft for review")
        verbose_name_plural = _("drafts for review")
        ordering = ["drafted_at", "id"]
        indexes = [models.Index(fields=["status", "drafted_at"], name="tickets_draft_queue")]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_kind_display()}"


class TimelineEvent(models.Model):
    """One entry of an order's timeline: who did what, when and why (R-WO-1, R-WO-9)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    body = models.TextField(_("text"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["ticket", "-at"], name="tickets_event_timeline")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tickets/{instance.ticket_id}/{filename}"


class Attachment(models.Model):
    """A file on an order: a recording (R-IN-3 recording clerk), a scanned letter, a photo."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.OneToOneField(
        TimelineEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachment"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
