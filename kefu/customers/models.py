"""Customer records (R-CUS-1..3): people and organisations, their contact points, tags, the
outbound tasks of wake-up campaigns and birthday greetings, merges and imports.

Every write goes through ``kefu.customers.services`` (records, merges), ``campaigns`` (tasks) or
``imports`` (files); views, the API and Huey tasks call those functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.permissions import RestrictedQuerySet
from kefu.customers.choices import (
    SENIOR_TIERS,
    ContactKind,
    CustomerKind,
    CustomerTier,
    CustomerType,
    ImportStatus,
    Source,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)
from kefu.lib.phones import mask

USER = settings.AUTH_USER_MODEL


class CustomerQuerySet(RestrictedQuerySet["Customer"]):
    def current(self) -> CustomerQuerySet:
        """Customers that were not merged into another one."""
        return self.filter(merged_into__isnull=True)


@dataclass(frozen=True)
class ServiceProfile:
    """What routing and SLA policy read about a customer (R-CUS-2): tier and VIP level, region,
    type and tenure, and whether senior agents handle the customer's orders (R-CLS-6)."""

    tier: str
    vip_level: int | None
    region: str
    customer_type: str
    tenure_days: int
    senior_only: bool


def month_day(day: date | None) -> int | None:
    """1231 for 31 December: the indexed key of today's-birthday look-ups."""
    return day.month * 100 + day.day if day else None


class Tag(models.Model):
    """A free label on customers (送宽带, 投诉敏感, …), used as a list filter."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A person or organisation who contacts the center (R-CUS-1): name, type, tier and VIP
    level, region, source, registration date, birthday, tags, notes, contact points.

    A customer merged into another keeps its row (``merged_into``) so that nothing of its history
    is lost; lists and look-ups show only current customers.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    customer_type = models.CharField(
        _("customer type"),
        max_length=20,
        choices=CustomerType.choices,
        default=CustomerType.END_USER,
    )
    tier = models.CharField(
        _("tier"), max_length=20, choices=CustomerTier.choices, default=CustomerTier.ORDINARY
    )
    vip_level = models.PositiveSmallIntegerField(
        _("VIP level"), null=True, blank=True, help_text=_("1–5, for VIP customers only.")
    )
    region = models.CharField(_("region"), max_length=50, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.HOTLINE
    )
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_("The customer's number in the billing or CRM system, if any."),
    )
    id_number = models.CharField(
        _("ID number"),
        max_length=32,
        blank=True,
        help_text=_("Resident ID card or unified social credit code; masked for most roles."),
    )
    registered_on = models.DateField(_("registration date"), default=timezone.localdate)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    birth_month_day = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    last_activity_at = models.DateTimeField(
        _("last activity"),
        null=True,
        blank=True,
        help_text=_("Last contact with the customer outside work orders (R-CUS-3)."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["name"], name="customers_name"),
            models.Index(fields=["tier", "region"], name="customers_tier_region"),
            models.Index(fields=["external_id"], name="customers_external_id"),
            models.Index(fields=["birth_month_day"], name="customers_birthday"),
            models.Index(fields=["last_activity_at"], name="customers_last_activity"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.birth_month_day = month_day(self.birthday)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "birthday" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "birth_month_day"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def needs_senior(self) -> bool:
        """R-CLS-6: VIP, major, important and leased-line customers go to senior agents."""
        return self.tier in SENIOR_TIERS

    @property
    def is_vip(self) -> bool:
        return self.tier == CustomerTier.VIP

    @property
    def tier_label(self) -> str:
        """ "VIP3" for a VIP of level 3, else the tier's name."""
        if self.is_vip and self.vip_level:
            return f"VIP{self.vip_level}"
        return str(self.get_tier_display())

    def main_phone(self) -> str:
        """The primary phone number (E.164), else the first; "" when there is none. Reads
        ``contacts.all()`` so that a prefetch serves it."""
        phones = [c for c in self.contacts.all() if c.kind == ContactKind.PHONE]
        phones.sort(key=lambda c: (not c.is_primary, c.pk))
        return phones[0].value if phones else ""

    def service_profile(self, today: date | None = None) -> ServiceProfile:
        """R-CUS-2: what routing and the SLA module read to treat this customer differently."""
        today = today or timezone.localdate()
        return ServiceProfile(
            tier=self.tier,
            vip_level=self.vip_level if self.is_vip else None,
            region=self.region,
            customer_type=self.customer_type,
            tenure_days=max((today - self.registered_on).days, 0),
            senior_only=self.needs_senior,
        )


class ContactPoint(models.Model):
    """One way to reach a customer. Phones are stored in E.164 so every spelling matches;
    e-mail addresses in lower case."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=200)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        indexes = [models.Index(fields=["kind", "value"], name="customers_contact_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "value"], name="customers_contact_unique"
            )
        ]

    def __str__(self) -> str:
        return mask(self.value) if self.kind == ContactKind.PHONE else self.value


class CustomerSettings(models.Model):
    """The customer rules that carry numbers (R-CUS-3), one row seeded by a data migration and
    edited by an administrator."""

    dormancy_days = models.PositiveIntegerField(
        _("dormancy period (days)"),
        default=180,
        help_text=_("A customer with no contact for this many days is dormant (沉睡客户)."),
    )
    birthday_tasks_enabled = models.BooleanField(_("create birthday greeting tasks"), default=True)

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")

    def __str__(self) -> str:
        return str(_("Customer settings"))

    @classmethod
    def current(cls) -> CustomerSettings:
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls.objects.create()


class CustomerMerge(models.Model):
    """A merge of one customer record into another: who, when, and what moved (R-CUS-1)."""

    source = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges")
    merged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    moved = models.JSONField(default=dict, help_text="Counts and ids of what was moved.")

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class Campaign(models.Model):
    """A wake-up campaign for dormant customers (R-CUS-3): a batch of outbound-call tasks."""

    name = models.CharField(_("name"), max_length=100)
    dormancy_days = models.PositiveIntegerField(_("dormancy period (days)"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("wake-up campaign")
        verbose_name_plural = _("wake-up campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CustomerTask(models.Model):
    """An outbound call about one customer: a wake-up call of a campaign or a birthday
    greeting, with its outcome (R-CUS-3)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_tasks",
    )
    due_on = models.DateField(_("due on"))
    year = models.PositiveSmallIntegerField(help_text="For birthday tasks: once a year.")
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=TaskOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("customer task")
        verbose_name_plural = _("customer tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="customers_task_queue"),
            models.Index(fields=["kind", "status", "due_on"], name="customers_task_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year"],
                condition=models.Q(kind="birthday"),
                name="customers_one_birthday_task_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id} {self.due_on}"


def import_path(instance: ImportJob, filename: str) -> str:
    return f"customer-imports/{timezone.now():%Y/%m}/{filename}"


class ImportJob(models.Model):
    """One uploaded customer file (.xlsx or .csv): checked, previewed, confirmed, then imported
    in the background in one transaction (R-CUS-1)."""

    file = models.FileField(_("file"), upload_to=import_path)
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    existing_rows = models.PositiveIntegerField(
        default=0, help_text="Valid rows whose customer is already in the database."
    )
    error_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{row, field, code, value}], the first 1000."
    )
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.processed_rows / self.valid_rows) if self.valid_rows else 0
