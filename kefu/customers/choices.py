from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class CustomerType(models.TextChoices):
    """R-CUS-1 customer types."""

    END_USER = "end_user", _("End user")
    MERCHANT = "merchant", _("Merchant / partner")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class CustomerTier(models.TextChoices):
    """R-CUS-1 tiers. Every tier but ordinary is routed to senior agents (R-CLS-6)."""

    ORDINARY = "ordinary", _("Ordinary")
    VIP = "vip", _("VIP")
    MAJOR = "major", _("Major customer")
    IMPORTANT = "important", _("Important customer")
    LEASED_LINE = "leased_line", _("Leased-line customer")


SENIOR_TIERS = frozenset(
    {CustomerTier.VIP, CustomerTier.MAJOR, CustomerTier.IMPORTANT, CustomerTier.LEASED_LINE}
)


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    ADDRESS = "address", _("Address")
