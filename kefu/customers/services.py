"""Customer records (R-CUS-1): look-ups, create and change, duplicate detection and merge.

Views, the API, imports and the demo call these functions; none of them writes a customer row
by hand. Each write checks the actor's permission and validates its input (``ValidationError``
with field messages). Creates, changes and deletes of customers and contact points are audited
generically by ``kefu.audit``; a merge is recorded here as well, with what it moved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.customers.choices import (
    VIP_LEVELS,
    ContactKind,
    CustomerKind,
    CustomerTier,
    CustomerType,
    Source,
)
from kefu.customers.models import ContactPoint, Customer, CustomerMerge, CustomerTask, Tag
from kefu.lib.phones import InvalidPhone, normalize_phone, try_normalize

# --- Look-ups -----------------------------------------------------------------------------------


def customers_with_phone(e164: str) -> QuerySet[Customer]:
    """Current customers (not merged away) with this number among their contact points."""
    return Customer.objects.filter(
        contacts__kind=ContactKind.PHONE, contacts__value=e164, merged_into__isnull=True
    ).distinct()


def customer_for_phone(e164: str) -> Customer | None:
    """The customer this number belongs to: the oldest current one if several share it."""
    if not e164:
        return None
    contact = (
        ContactPoint.objects.filter(
            kind=ContactKind.PHONE, value=e164, customer__merged_into__isnull=True
        )
        .select_related("customer")
        .order_by("customer_id")
        .first()
    )
    return contact.customer if contact is not None else None


def unnamed_caller_name() -> str:
    """The name of a caller who gave none. Never the number itself: the name is shown in full
    wherever the number is masked (R-SEC-1). Stored in the center's language, as data."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Caller (no name given)")


def find_or_create_by_phone(e164: str, name: str, created_by: Any = None) -> Customer:
    """The customer this number belongs to (the oldest, if several share it), else a new one.

    Intake calls this for a caller the center has not met: the new record starts with the
    number and the name the caller gave, from the hotline; a caller who gave no name (or whose
    "name" is the number) is named ``unnamed_caller_name()``.
    """
    existing = customer_for_phone(e164)
    if existing is not None:
        return existing
    given = (name or "").strip()[:100]
    if given and try_normalize(given) == e164:
        given = ""
    with transaction.atomic():
        customer = Customer.objects.create(
            name=given or unnamed_caller_name(),
            created_by=created_by,
            source=Source.HOTLINE,
            last_activity_at=timezone.now(),
        )
        ContactPoint.objects.create(
            customer=customer, kind=ContactKind.PHONE, value=e164, is_primary=True
        )
    return customer


def normalise_email(raw: str) -> str:
    """Lower-case, trimmed; raises ValidationError for anything that is not an address."""
    text = (raw or "").strip().lower()
    validate_email(text)
    return text


def search(qs: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Name (part of it), any phone spelling (13812345678, +86 138…, 021-5234…, the last four
    digits are not enough), an e-mail address or an external id."""
    text = (text or "").strip()
    if not text:
        return qs
    phone = try_normalize(text)
    if phone:
        return qs.filter(pk__in=_contact_owners(ContactKind.PHONE, phone))
    if "@" in text:
        return qs.filter(pk__in=_contact_owners(ContactKind.EMAIL, text.lower()))
    return qs.filter(Q(name__icontains=text) | Q(external_id=text))


def _contact_owners(kind: str, value: str) -> QuerySet[ContactPoint, Any]:
    return ContactPoint.objects.filter(kind=kind, value=value).values("customer_id")


@dataclass
class ListFilters:
    q: str = ""
    tier: str = ""
    customer_type: str = ""
    kind: str = ""
    region: str = ""
    tag: str = ""


def filtered(user: Any, filters: ListFilters) -> QuerySet[Customer]:
    """The customer list as the user may see it (``customers.view``), filtered, newest first."""
    qs = Customer.objects.current().restrict(user, "customers.view")
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.customer_type:
        qs = qs.filter(customer_type=filters.customer_type)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region:
        qs = qs.filter(region=filters.region)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    return search(qs, filters.q).order_by("-pk")


# The regions for the customer list's filter, from the shared cache: reading them is a DISTINCT
# over every customer (42 ms at 200k customers on PostgreSQL), on every view of the list. A
# region new to the list drops the cached one (``receivers``), as does an import;
# ten minutes bound what a merge or a removed region leaves behind.
REGIONS_KEY = "customers:regions"
REGIONS_TTL = 600


def regions() -> list[str]:
    cached: list[str] | None = cache.get(REGIONS_KEY)
    if cached is None:
        cached = list(
            Customer.objects.current()
            .exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        cache.set(REGIONS_KEY, cached, REGIONS_TTL)
    return cached


def forget_regions() -> None:
    """After the transaction commits, so that no request re-reads the regions before it does."""
    transaction.on_commit(lambda: cache.delete(REGIONS_KEY))


# --- Input --------------------------------------------------------------------------------------


@dataclass
class CustomerData:
    """What a form, the API or an import row supplies for one customer."""

    name: str
    phones: list[str] = field(default_factory=list)  # any spelling; normalised here
    emails: list[str] = field(default_factory=list)
    wechat: str = ""
    address: str = ""
    kind: str = CustomerKind.PERSON
    customer_type: str = CustomerType.END_USER
    tier: str = CustomerTier.ORDINARY
    vip_level: int | None = None
    region: str = ""
    source: str = Source.HOTLINE
    external_id: str = ""
    id_number: str = ""
    registered_on: date | None = None
    birthday: date | None = None
    tags: list[str] = field(default_factory=list)
    notes: str = ""


def current_data(customer: Customer) -> CustomerData:
    """A customer's record as ``CustomerData``, to change a few fields and keep the rest."""
    contacts = sorted(customer.contacts.all(), key=lambda c: (not c.is_primary, c.pk))

    def values(kind: str) -> list[str]:
        return [c.value for c in contacts if c.kind == kind]

    return CustomerData(
        name=customer.name,
        phones=values(ContactKind.PHONE),
        emails=values(ContactKind.EMAIL),
        wechat=next(iter(values(ContactKind.WECHAT)), ""),
        address=next(iter(values(ContactKind.ADDRESS)), ""),
        kind=customer.kind,
        customer_type=customer.customer_type,
        tier=customer.tier,
        vip_level=customer.vip_level,
        region=customer.region,
        source=customer.source,
        external_id=customer.external_id,
        id_number=customer.id_number,
        registered_on=customer.registered_on,
        birthday=customer.birthday,
        tags=[t.name for t in customer.tags.all()],
        notes=customer.notes,
    )


@dataclass
class Cleaned:
    data: CustomerData
    phones: list[str]  # E.164
    emails: list[str]  # lower case
    tags: list[str]


TAG_SPLIT = re.compile(r"[,，;；、\s]+")


def split_tags(text: str) -> list[str]:
    return [t for t in dict.fromkeys(TAG_SPLIT.split(text or "")) if t][:20]


def clean(data: CustomerData, today: date | None = None) -> Cleaned:
    """Check one customer's data; every problem at once, by field."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.name.strip():
        add("name", _("Enter the customer's name."))
    elif len(data.name.strip()) > 100:
        add("name", _("The name is longer than 100 characters."))
    phones: list[str] = []
    for raw in data.phones:
        if not (raw or "").strip():
            continue
        try:
            phones.append(normalize_phone(raw))
        except InvalidPhone:
            add("phones", _("“%(value)s” is not a valid phone number.") % {"value": raw})
    emails: list[str] = []
    for raw in data.emails:
        if not (raw or "").strip():
            continue
        try:
            emails.append(normalise_email(raw))
        except ValidationError:
            add("emails", _("“%(value)s” is not a valid e-mail address.") % {"value": raw})
    for name, value, choices in (
        ("kind", data.kind, CustomerKind.values),
        ("customer_type", data.customer_type, CustomerType.values),
        ("tier", data.tier, CustomerTier.values),
        ("source", data.source, Source.values),
    ):
        if value not in choices:
            add(name, _("“%(value)s” is not one of the available choices.") % {"value": value})
    if data.vip_level is not None:
        if data.tier != CustomerTier.VIP:
            add("vip_level", _("Only VIP customers have a VIP level."))
        elif data.vip_level not in VIP_LEVELS:
            add("vip_level", _("The VIP level is 1 to 5."))
    if data.birthday and data.birthday > today:
        add("birthday", _("The birthday cannot be in the future."))
    if data.registered_on and data.registered_on > today:
        add("registered_on", _("The registration date cannot be in the future."))
    for name, value, limit in (
        ("region", data.region, 50),
        ("external_id", data.external_id, 64),
        ("id_number", data.id_number, 32),
        ("wechat", data.wechat, 200),
        ("address", data.address, 200),
    ):
        if len(value or "") > limit:
            add(name, _("At most %(limit)d characters.") % {"limit": limit})
    if errors:
        raise ValidationError(errors)
    return Cleaned(
        data=data,
        phones=list(dict.fromkeys(phones)),
        emails=list(dict.fromkeys(emails)),
        tags=[t[:40] for t in data.tags if t.strip()],
    )


# --- Duplicates ---------------------------------------------------------------------------------


def duplicates_of(
    phones: Iterable[str], emails: Iterable[str], external_id: str = "", exclude: int | None = None
) -> list[Customer]:
    """Current customers that share a phone (E.164), an e-mail or the external id."""
    condition = Q(pk__in=[])
    phones, emails = list(phones), list(emails)
    if phones:
        condition |= Q(
            pk__in=ContactPoint.objects.filter(kind=ContactKind.PHONE, value__in=phones).values(
                "customer_id"
            )
        )
    if emails:
        condition |= Q(
            pk__in=ContactPoint.objects.filter(kind=ContactKind.EMAIL, value__in=emails).values(
                "customer_id"
            )
        )
    if external_id:
        condition |= Q(external_id=external_id)
    qs = Customer.objects.current().filter(condition)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("pk")[:20])


@dataclass(frozen=True)
class DuplicateGroup:
    kind: str
    value: str
    customers: list[Customer]


def duplicate_groups(limit: int = 100) -> list[DuplicateGroup]:
    """Phones and e-mail addresses that more than one current customer has (R-CUS-1)."""
    shared = (
        ContactPoint.objects.filter(
            kind__in=[ContactKind.PHONE, ContactKind.EMAIL], customer__merged_into__isnull=True
        )
        .values("kind", "value")
        .annotate(n=Count("customer_id", distinct=True))
        .filter(n__gt=1)
        .order_by("kind", "value")[:limit]
    )
    pairs = [(row["kind"], row["value"]) for row in shared]
    if not pairs:
        return []
    condition = Q(pk__in=[])
    for kind, value in pairs:
        condition |= Q(kind=kind, value=value)
    owners: dict[tuple[str, str], list[int]] = {}
    for kind, value, customer_id in ContactPoint.objects.filter(condition).values_list(
        "kind", "value", "customer_id"
    ):
        owners.setdefault((kind, value), []).append(customer_id)
    customers = Customer.objects.current().in_bulk([i for ids in owners.values() for i in ids])
    return [
        DuplicateGroup(
            kind,
            value,
            [customers[i] for i in sorted(set(owners[(kind, value)])) if i in customers],
        )
        for kind, value in pairs
    ]


# --- Writes -------------------------------------------------------------------------------------


def _require(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to change customer records."))


class DuplicateCustomer(ValidationError):
    """The new customer shares a phone, an e-mail or the external id with existing ones."""

    def __init__(self, matches: list[Customer]) -> None:
        self.matches = matches
        super().__init__(
            {
                "__all__": [
                    _(
                        "A customer with this phone, e-mail or external id exists already: "
                        "%(names)s. Open that record, or confirm that this is someone else."
                    )
                    % {"names": "、".join(c.name for c in matches)}
                ]
            }
        )


def tag_objects(names: list[str] | set[str]) -> list[Tag]:
    """The tags of these names, adding the ones that do not exist yet (records and imports)."""
    if not names:
        return []
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))


def contact_points(
    customer: Customer, phones: list[str], emails: list[str], wechat: str = "", address: str = ""
) -> list[ContactPoint]:
    """A record's contact points, unsaved; the first phone and the first e-mail are primary.
    Used by the record forms and by imports."""
    rows = [
        ContactPoint(customer=customer, kind=ContactKind.PHONE, value=p, is_primary=i == 0)
        for i, p in enumerate(phones)
    ]
    rows += [
        ContactPoint(customer=customer, kind=ContactKind.EMAIL, value=e, is_primary=i == 0)
        for i, e in enumerate(emails)
    ]
    if wechat.strip():
        rows.append(ContactPoint(customer=customer, kind=ContactKind.WECHAT, value=wechat))
    if address.strip():
        rows.append(ContactPoint(customer=customer, kind=ContactKind.ADDRESS, value=address))
    return rows


def _contact_rows(customer: Customer, cleaned: Cleaned) -> list[ContactPoint]:
    data = cleaned.data
    return contact_points(customer, cleaned.phones, cleaned.emails, data.wechat, data.address)


FIELDS = (
    "name",
    "kind",
    "customer_type",
    "tier",
    "vip_level",
    "region",
    "source",
    "external_id",
    "id_number",
    "birthday",
    "notes",
)


def _values(data: CustomerData) -> dict[str, Any]:
    values = {name: getattr(data, name) for name in FIELDS}
    for name in ("name", "region", "external_id", "id_number", "notes"):
        values[name] = (values[name] or "").strip()
    values["id_number"] = values["id_number"].upper()
    return values


@transaction.atomic
def create_customer(actor: Any, data: CustomerData, *, allow_duplicate: bool = False) -> Customer:
    """A new customer with their contact points and tags; refused with ``DuplicateCustomer``
    when the phone, e-mail or external id is someone's already, unless the actor confirms."""
    _require(actor, "customers.edit")
    cleaned = clean(data)
    if not cleaned.phones and not cleaned.emails and not data.wechat.strip():
        raise ValidationError({"phones": _("Enter at least a phone number or an e-mail address.")})
    if not allow_duplicate:
        matches = duplicates_of(cleaned.phones, cleaned.emails, data.external_id.strip())
        if matches:
            raise DuplicateCustomer(matches)
    customer = Customer(
        **_values(data),
        registered_on=data.registered_on or timezone.localdate(),
        created_by=actor,
        last_activity_at=timezone.now(),
    )
    customer.save()
    ContactPoint.objects.bulk_create(_contact_rows(customer, cleaned))
    customer.tags.set(tag_objects(cleaned.tags))
    return customer


@transaction.atomic
def update_customer(actor: Any, customer: Customer, data: CustomerData) -> Customer:
    """Change a customer's fields, contact points and tags (the record keeps its id, orders and
    tasks). Contact points not in ``data`` are removed; the rest keep their rows."""
    _require(actor, "customers.edit")
    cleaned = clean(data)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.merged_into_id:
        raise ValidationError(_("This customer was merged into another record."))
    for name, value in _values(data).items():
        setattr(locked, name, value)
    if data.registered_on:
        locked.registered_on = data.registered_on
    locked.save()
    wanted = {(c.kind, c.value): c for c in _contact_rows(locked, cleaned)}
    existing = {(c.kind, c.value): c for c in locked.contacts.all()}
    stale = [c.pk for key, c in existing.items() if key not in wanted]
    if stale:
        ContactPoint.objects.filter(pk__in=stale).delete()
    for key, contact in wanted.items():
        if key in existing:
            if existing[key].is_primary != contact.is_primary:
                existing[key].is_primary = contact.is_primary
                existing[key].save(update_fields=["is_primary"])
        else:
            contact.save()
    locked.tags.set(tag_objects(cleaned.tags))
    return locked


def touch_activity(customer_id: int, at: datetime | None = None) -> None:
    """Record contact with the customer outside work orders (R-CUS-3: no longer dormant)."""
    at = at or timezone.now()
    Customer.objects.filter(pk=customer_id).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)
    ).update(last_activity_at=at)


@transaction.atomic
def merge_customers(
    actor: Any, source: Customer, target: Customer, *, request: Any = None
) -> Customer:
    """Merge ``source`` into ``target`` (R-CUS-1): contact points, tags, notes, tasks and every
    order move to the target (each order gets a timeline entry); the source row stays, marked
    ``merged_into``, so nothing of its history is lost; the merge is recorded."""
    from kefu.audit.services import record
    from kefu.tickets.customer_links import reassign_customer

    _require(actor, "customers.merge")
    if source.pk == target.pk:
        raise ValidationError({"target": _("A customer cannot be merged into itself.")})
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    src, dst = locked[source.pk], locked[target.pk]
    if src.merged_into_id or dst.merged_into_id:
        raise ValidationError(_("One of these customers was merged already."))
    have = set(dst.contacts.values_list("kind", "value"))
    moved_contacts, dropped_contacts = [], []
    for contact in src.contacts.all():
        if (contact.kind, contact.value) in have:
            dropped_contacts.append(contact.pk)
        else:
            moved_contacts.append(contact.pk)
    # A shared number stays on the source too, so the old record still shows what it had.
    ContactPoint.objects.filter(pk__in=moved_contacts).update(customer=dst, is_primary=False)
    dst.tags.add(*src.tags.all())
    # A birthday task a year exists once per customer: the source's go with it only if the
    # target has none that year.
    taken_years = set(
        CustomerTask.objects.filter(customer=dst, kind="birthday").values_list("year", flat=True)
    )
    movable = CustomerTask.objects.filter(customer=src).exclude(
        kind="birthday", year__in=taken_years
    )
    tasks = list(movable.values_list("pk", flat=True))
    CustomerTask.objects.filter(pk__in=tasks).update(customer=dst)
    orders = reassign_customer(actor, src, dst)
    if src.notes.strip():
        dst.notes = "\n".join(part for part in (dst.notes.strip(), src.notes.strip()) if part)
    for name in ("birthday", "id_number", "external_id", "region"):
        if not getattr(dst, name) and getattr(src, name):
            setattr(dst, name, getattr(src, name))
    if src.last_activity_at and (
        dst.last_activity_at is None or src.last_activity_at > dst.last_activity_at
    ):
        dst.last_activity_at = src.last_activity_at
    dst.registered_on = min(dst.registered_on, src.registered_on)
    dst.save()
    src.merged_into = dst
    src.save(update_fields=["merged_into", "updated_at"])
    moved = {
        "contacts": moved_contacts,
        "duplicate_contacts": dropped_contacts,
        "orders": orders,
        "tasks": tasks,
    }
    CustomerMerge.objects.create(source=src, target=dst, merged_by=actor, moved=moved)
    record(
        actor,
        "customer.merge",
        dst,
        summary=_("%(source)s (#%(source_id)s) merged into %(target)s (#%(target_id)s)")
        % {"source": src.name, "source_id": src.pk, "target": dst.name, "target_id": dst.pk},
        before={"source": src.pk},
        after={"target": dst.pk, "orders": len(orders), "contacts": len(moved_contacts)},
        request=request,
    )
    return dst
