from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.customers.choices import (
    SENIOR_TIERS,
    ContactKind,
    CustomerKind,
    CustomerTier,
    CustomerType,
)
from kefu.lib.phones import mask


class Customer(models.Model):
    """A person or organisation who contacts the center (R-CUS-1, minimal until the customer
    module is built): name, type, tier and contact points."""

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
    region = models.CharField(_("region"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    @property
    def needs_senior(self) -> bool:
        """R-CLS-6: VIP, major, important and leased-line customers go to senior agents."""
        return self.tier in SENIOR_TIERS


class ContactPoint(models.Model):
    """One way to reach a customer. Phones are stored in E.164 so every spelling matches."""

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
