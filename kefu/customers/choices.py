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


class Source(models.TextChoices):
    """Where a customer record came from (R-CUS-1)."""

    HOTLINE = "hotline", _("400 hotline")
    IMPORT = "import", _("Import")
    WEB = "web", _("Web form / app")
    WECHAT = "wechat", _("WeChat")
    WALK_IN = "walk_in", _("Walk-in visit")
    SALES = "sales", _("Sales / market department")
    OTHER = "other", _("Other")


# VIP levels inside the VIP tier (R-CUS-1 "VIP levels"): 1 is the entry level, 5 the highest.
VIP_LEVELS = (1, 2, 3, 4, 5)


class TaskKind(models.TextChoices):
    """Outbound work about one customer (R-CUS-3)."""

    WAKE_UP = "wake_up", _("Wake-up call")
    BIRTHDAY = "birthday", _("Birthday greeting")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class TaskOutcome(models.TextChoices):
    """How an outbound call went. ``REACHED_OUTCOMES`` count as customer activity."""

    INTERESTED = "interested", _("Reached: interested")
    NOT_INTERESTED = "not_interested", _("Reached: not interested")
    GREETED = "greeted", _("Reached: greeted")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DO_NOT_CALL = "do_not_call", _("Asked not to be called")


REACHED_OUTCOMES = frozenset(
    {TaskOutcome.INTERESTED, TaskOutcome.NOT_INTERESTED, TaskOutcome.GREETED}
)


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, nothing imported")
    CANCELLED = "cancelled", _("Cancelled")


IMPORT_ACTIVE = frozenset({ImportStatus.QUEUED, ImportStatus.RUNNING})
