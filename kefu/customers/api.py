"""The customer API under ``/api/v1/customers`` (R-CUS-1..3, R-IN-4, R-SEC-1).

Schema → access → service → response, as in the work-order API. Numbers: the screen pop (a
working view for the telephony side) shows them per ``masking.shown_phone``; every other answer
here is the customer archive and shows them masked; ``POST /customers/{id}/reveal`` returns the
full numbers to a permission holder and is written to the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.core.api import require_perm
from kefu.core.permissions import access
from kefu.customers import campaigns, imports, masking, screen_pop, services
from kefu.customers.choices import ContactKind, CustomerKind, CustomerTier, CustomerType
from kefu.customers.models import Customer, CustomerTask, ImportJob
from kefu.org.models import User

router = Router(tags=["customers"])


# --- Shapes ---------------------------------------------------------------------------------------


class ProfileOut(Schema):
    """What routing and SLA policy read (R-CUS-2)."""

    tier: str
    vip_level: int | None
    region: str
    customer_type: str
    tenure_days: int
    senior_only: bool


class CustomerItem(Schema):
    id: int
    name: str
    kind: str
    customer_type: str
    tier: str
    tier_label: str = Field(description="VIP3, or the tier's name")
    vip_level: int | None
    region: str
    phone: str = Field(description="Main number, masked (reveal it with POST …/reveal)")
    registered_on: date


class ContactOut(Schema):
    id: int
    kind: str
    value: str = Field(description="Phones masked")
    is_primary: bool


class CustomerOut(CustomerItem):
    source: str
    external_id: str
    id_number: str = Field(description="Masked")
    birthday: date | None
    tags: list[str]
    notes: str
    last_activity_at: datetime | None
    merged_into: int | None
    contacts: list[ContactOut]
    profile: ProfileOut


class CustomerPage(Schema):
    items: list[CustomerItem]
    next_before: int | None = Field(description="Pass as `before` for the next page")


class CustomerIn(Schema):
    name: str
    phones: list[str] = Field(default_factory=list, description="Any spelling")
    emails: list[str] = Field(default_factory=list)
    wechat: str = ""
    address: str = ""
    kind: str = "person"
    customer_type: str = "end_user"
    tier: str = "ordinary"
    vip_level: int | None = None
    region: str = ""
    source: str = "hotline"
    external_id: str = ""
    id_number: str = ""
    registered_on: date | None = None
    birthday: date | None = None
    tags: list[str] = Field(default_factory=list)
    notes: str = ""
    allow_duplicate: bool = Field(False, description="Create even if phone/e-mail/id match")


class CustomerPatch(Schema):
    """Only the fields sent change; lists (phones, e-mails, tags) replace the old ones."""

    name: str | None = None
    phones: list[str] | None = None
    emails: list[str] | None = None
    wechat: str | None = None
    address: str | None = None
    kind: str | None = None
    customer_type: str | None = None
    tier: str | None = None
    vip_level: int | None = None
    region: str | None = None
    source: str | None = None
    external_id: str | None = None
    id_number: str | None = None
    registered_on: date | None = None
    birthday: date | None = None
    tags: list[str] | None = None
    notes: str | None = None


class DuplicateOut(Schema):
    detail: str
    code: str
    duplicates: list[CustomerItem]


class RevealOut(Schema):
    phones: list[str]
    id_number: str


class MergeIn(Schema):
    into: int = Field(description="The customer that stays")


class OrderBrief(Schema):
    number: str
    type_label: str
    status: str
    status_label: str
    title: str
    received_at: datetime


class ScreenPopOut(Schema):
    phone: str = Field(description="Full for roles with personal-data access, else masked")
    customer: CustomerItem | None
    profile: ProfileOut | None
    open_orders: list[OrderBrief]
    history: list[OrderBrief]


class DuplicateGroupOut(Schema):
    kind: str
    value: str = Field(description="Phones masked")
    customers: list[CustomerItem]


class TaskOut(Schema):
    id: int
    kind: str
    customer: CustomerItem
    campaign: str | None
    assignee: str | None = Field(description="Employee number")
    due_on: date
    status: str
    outcome: str
    note: str


class OutcomeIn(Schema):
    outcome: str
    note: str = ""


class CampaignIn(Schema):
    name: str
    customers: list[int] = Field(description="Customer ids (from GET /customers/dormant)")
    assignees: list[str] = Field(description="Employee numbers")


class CampaignOut(Schema):
    id: int
    name: str
    tasks: int


class ImportProblem(Schema):
    row: int
    field: str
    code: str
    value: str
    message: str


class ImportOut(Schema):
    id: int
    file_name: str
    status: str
    total_rows: int
    valid_rows: int
    existing_rows: int
    error_rows: int
    processed_rows: int
    percent: int
    created_rows: int
    skipped_rows: int
    failure: str
    problems: list[ImportProblem]


# --- Turning records into answers -------------------------------------------------------------


def profile_out(customer: Customer) -> ProfileOut:
    p = customer.service_profile()
    return ProfileOut(
        tier=p.tier,
        vip_level=p.vip_level,
        region=p.region,
        customer_type=p.customer_type,
        tenure_days=p.tenure_days,
        senior_only=p.senior_only,
    )


def item(customer: Customer, phone: str | None = None) -> CustomerItem:
    """``phone``: the number to show; by default the main number, masked."""
    return CustomerItem(
        id=customer.pk,
        name=customer.name,
        kind=customer.kind,
        customer_type=customer.customer_type,
        tier=customer.tier,
        tier_label=customer.tier_label,
        vip_level=customer.vip_level,
        region=customer.region,
        phone=phone if phone is not None else masking.masked_phone(customer.main_phone()),
        registered_on=customer.registered_on,
    )


def detail(customer: Customer) -> CustomerOut:
    contacts = sorted(customer.contacts.all(), key=lambda c: (c.kind, not c.is_primary, c.pk))
    return CustomerOut(
        **item(customer).dict(),
        source=customer.source,
        external_id=customer.external_id,
        id_number=masking.mask_text(customer.id_number),
        birthday=customer.birthday,
        tags=[t.name for t in customer.tags.all()],
        notes=customer.notes,
        last_activity_at=customer.last_activity_at,
        merged_into=customer.merged_into_id,
        contacts=[
            ContactOut(
                id=c.pk, kind=c.kind, value=masking.shown_contact(c), is_primary=c.is_primary
            )
            for c in contacts
        ],
        profile=profile_out(customer),
    )


def order_brief(ticket: Any) -> OrderBrief:
    return OrderBrief(
        number=ticket.number,
        type_label=ticket.type_label,
        status=ticket.status,
        status_label=str(ticket.get_status_display()),
        title=ticket.title,
        received_at=ticket.received_at,
    )


def _data(body: CustomerIn) -> services.CustomerData:
    values = body.dict()
    values.pop("allow_duplicate")
    return services.CustomerData(**values)


def _customer(request: HttpRequest, pk: int, perm: str = "customers.view") -> Customer:
    return access(Customer.objects.prefetch_related("contacts", "tags"), request.user, perm, pk=pk)


# --- Endpoints ------------------------------------------------------------------------------------


class ListQuery(Schema):
    q: str = Field("", description="Name, any phone spelling, e-mail or external id")
    tier: str = ""
    customer_type: str = ""
    kind: str = ""
    region: str = ""
    tag: str = ""
    before: int | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get("", response=CustomerPage, summary="Customers, newest first (R-CUS-1)")
def list_customers(request: HttpRequest, params: Query[ListQuery]) -> CustomerPage:
    """An unknown ``tier``, ``customer_type`` or ``kind`` is refused (422), not answered with
    an empty page."""
    require_perm(request, "customers.view")
    errors = {
        name: _("Select a valid choice. %(value)s is not one of the available choices.")
        % {"value": getattr(params, name)}
        for name, choices in [
            ("tier", CustomerTier),
            ("customer_type", CustomerType),
            ("kind", CustomerKind),
        ]
        if getattr(params, name) and getattr(params, name) not in choices.values
    }
    if errors:
        raise ValidationError(errors)
    filters = services.ListFilters(
        q=params.q,
        tier=params.tier,
        customer_type=params.customer_type,
        kind=params.kind,
        region=params.region,
        tag=params.tag,
    )
    qs = services.filtered(request.user, filters).prefetch_related("contacts")
    if params.before:
        qs = qs.filter(pk__lt=params.before)
    rows = list(qs[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return CustomerPage(items=[item(c) for c in rows], next_before=rows[-1].pk if more else None)


@router.post(
    "",
    response={201: CustomerOut, 409: DuplicateOut},
    summary="Create a customer; 409 with the matches if the phone/e-mail is someone's",
)
def create_customer(request: HttpRequest, body: CustomerIn) -> Any:
    require_perm(request, "customers.edit")
    try:
        customer = services.create_customer(
            request.user, _data(body), allow_duplicate=body.allow_duplicate
        )
    except services.DuplicateCustomer as error:
        return Status(
            409,
            DuplicateOut(
                detail=" ".join(error.messages),
                code="duplicate",
                duplicates=[item(c) for c in error.matches],
            ),
        )
    return Status(201, detail(_customer(request, customer.pk)))


@router.get("/screen-pop", response=ScreenPopOut, summary="Who is calling (R-IN-4)")
def screen_pop_lookup(request: HttpRequest, phone: str) -> ScreenPopOut:
    """For the telephony side: the caller's customer, tier, open orders and last contacts, as
    soon as the number is known. Any spelling of the number."""
    require_perm(request, "tickets.register")
    pop = screen_pop.lookup(phone)
    if not pop.phone:
        raise ValidationError({"phone": _("This is not a valid phone number.")})
    shown = masking.shown_phone(request.user, pop.phone, as_e164=True)
    return ScreenPopOut(
        phone=shown,
        customer=item(pop.customer, phone=shown) if pop.customer else None,
        profile=profile_out(pop.customer) if pop.customer else None,
        open_orders=[order_brief(t) for t in pop.open_orders],
        history=[order_brief(t) for t in pop.history],
    )


@router.get("/duplicates", response=list[DuplicateGroupOut], summary="Shared phones / e-mails")
def duplicates(request: HttpRequest) -> list[DuplicateGroupOut]:
    require_perm(request, "customers.view")
    groups = services.duplicate_groups()
    prefetch_related_objects([c for g in groups for c in g.customers], "contacts")
    return [
        DuplicateGroupOut(
            kind=g.kind,
            value=masking.masked_phone(g.value) if g.kind == ContactKind.PHONE else g.value,
            customers=[item(c) for c in g.customers],
        )
        for g in groups
    ]


@router.get("/dormant", response=list[CustomerItem], summary="Dormant customers (R-CUS-3)")
def dormant(request: HttpRequest, limit: int = Query(200, ge=1, le=1000)) -> list[CustomerItem]:
    require_perm(request, "customers.view")
    rows = campaigns.dormant_customers().prefetch_related("contacts")[:limit]
    return [item(c) for c in rows]


@router.get("/birthdays", response=list[CustomerItem], summary="Today's birthdays (R-CUS-3)")
def birthdays(request: HttpRequest) -> list[CustomerItem]:
    require_perm(request, "customers.view")
    return [item(c) for c in campaigns.birthdays_on().prefetch_related("contacts")[:1000]]


@router.post("/campaigns", response={201: CampaignOut}, summary="Start a wake-up campaign")
def start_campaign(request: HttpRequest, body: CampaignIn) -> Any:
    require_perm(request, "customers.campaign")
    staff = list(User.objects.filter(employee_no__in=body.assignees))
    if len(staff) != len(set(body.assignees)):
        raise ValidationError({"assignees": _("Unknown employee number.")})
    campaign = campaigns.start_campaign(
        request.user, body.name, Customer.objects.filter(pk__in=body.customers), staff
    )
    return Status(
        201, CampaignOut(id=campaign.pk, name=campaign.name, tasks=campaign.tasks.count())
    )


def task_out(task: CustomerTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        kind=task.kind,
        customer=item(task.customer),
        campaign=task.campaign.name if task.campaign else None,
        assignee=task.assignee.employee_no if task.assignee else None,
        due_on=task.due_on,
        status=task.status,
        outcome=task.outcome,
        note=task.note,
    )


@router.get("/tasks", response=list[TaskOut], summary="My open calls (R-CUS-3)")
def my_tasks(request: HttpRequest) -> list[TaskOut]:
    require_perm(request, "customers.work_tasks")
    rows = campaigns.open_tasks_for(request.user).prefetch_related("customer__contacts")
    return [task_out(t) for t in rows[:500]]


@router.post("/tasks/{task_id}/outcome", response=TaskOut, summary="Record a call's outcome")
def task_outcome(request: HttpRequest, task_id: int, body: OutcomeIn) -> TaskOut:
    require_perm(request, "customers.work_tasks")
    task = get_object_or_404(CustomerTask, pk=task_id)
    if not campaigns.may_work(request.user, task):
        raise PermissionDenied(_("This call is assigned to someone else."))
    done = campaigns.record_outcome(request.user, task, body.outcome, body.note)
    fresh = CustomerTask.objects.select_related("customer", "campaign", "assignee").get(pk=done.pk)
    return task_out(fresh)


def import_out(job: ImportJob) -> ImportOut:
    return ImportOut(
        id=job.pk,
        file_name=job.file_name,
        status=job.status,
        total_rows=job.total_rows,
        valid_rows=job.valid_rows,
        existing_rows=job.existing_rows,
        error_rows=job.error_rows,
        processed_rows=imports.progress(job),
        percent=imports.percent(job),
        created_rows=job.created_rows,
        skipped_rows=job.skipped_rows,
        failure=job.failure,
        problems=[ImportProblem(**p, message=imports.describe(p)) for p in job.errors],
    )


@router.post("/imports", response={201: ImportOut}, summary="Upload .xlsx/.csv: the check")
def upload_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    require_perm(request, "customers.import")
    return Status(201, import_out(imports.upload(request.user, file)))


@router.get("/imports/{job_id}", response=ImportOut, summary="An import: check and progress")
def get_import(request: HttpRequest, job_id: int) -> ImportOut:
    require_perm(request, "customers.import")
    return import_out(get_object_or_404(ImportJob, pk=job_id))


@router.post("/imports/{job_id}/confirm", response=ImportOut, summary="Run a checked import")
def confirm_import(request: HttpRequest, job_id: int) -> ImportOut:
    require_perm(request, "customers.import")
    job = imports.confirm(request.user, get_object_or_404(ImportJob, pk=job_id))
    job.refresh_from_db()
    return import_out(job)


@router.get("/{customer_id}", response=CustomerOut, summary="One customer (numbers masked)")
def get_customer(request: HttpRequest, customer_id: int) -> CustomerOut:
    return detail(_customer(request, customer_id))


@router.patch("/{customer_id}", response=CustomerOut, summary="Change a customer")
def update_customer(request: HttpRequest, customer_id: int, body: CustomerPatch) -> CustomerOut:
    """Only the fields sent change (numbers are never needed in full to change the rest)."""
    customer = _customer(request, customer_id, "customers.edit")
    data = services.current_data(customer)
    for name, value in body.dict(exclude_unset=True).items():
        setattr(data, name, value)
    services.update_customer(request.user, customer, data)
    return detail(_customer(request, customer_id))


@router.post("/{customer_id}/reveal", response=RevealOut, summary="Full numbers, logged (R-SEC-1)")
def reveal(request: HttpRequest, customer_id: int) -> RevealOut:
    customer = _customer(request, customer_id)
    revealed = masking.reveal(request.user, customer, request=request)
    return RevealOut(phones=revealed.phones, id_number=revealed.id_number)


@router.post("/{customer_id}/merge", response=CustomerOut, summary="Merge into another record")
def merge(request: HttpRequest, customer_id: int, body: MergeIn) -> CustomerOut:
    require_perm(request, "customers.merge")
    source = _customer(request, customer_id)
    target = _customer(request, body.into)
    services.merge_customers(request.user, source, target, request=request)
    return detail(_customer(request, body.into))
