"""Customer pages: list with search and filters, the customer page with contact and order
history, create and edit with duplicate detection, duplicates and merge, revealing numbers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_validation_error
from kefu.core.permissions import access
from kefu.core.types import AuthedRequest
from kefu.customers import masking, services
from kefu.customers.choices import TaskStatus
from kefu.customers.forms import CustomerForm, FilterForm, MergeForm
from kefu.customers.models import Customer, CustomerMerge

PAGE_SIZE = 50


def access_customer(user: Any, pk: int) -> Customer:
    """403 without ``customers.view``, 404 for an unknown id."""
    return access(Customer, user, "customers.view", pk=pk)


@login_required
@permission_required("customers.view", raise_exception=True)
def customer_list(request: AuthedRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, regions=services.regions())
    filters = services.ListFilters()
    if form.is_valid():
        filters = services.ListFilters(**form.cleaned_data)
    qs = services.filtered(request.user, filters).prefetch_related("contacts")
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs[: PAGE_SIZE + 1])
    context = {
        "form": form,
        "rows": rows[:PAGE_SIZE],
        "next_before": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
        "query": _query_without(request, "before"),
    }
    template = "customers/partials/table.html" if request.htmx else "customers/list.html"
    return render(request, template, context)


@login_required
def customer_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    from kefu.tickets.access import visible_tickets

    customer = access_customer(request.user, pk)
    if customer.merged_into_id:
        messages.info(request, _("This record was merged into another one."))
        return redirect("customers:detail", pk=customer.merged_into_id)
    # R-ORG-3: the order history shows the orders this user may see, nothing more.
    orders = (
        visible_tickets(request.user).filter(customer=customer).for_list().order_by("-received_at")
    )
    context = {
        "customer": customer,
        "contacts": customer.contacts.order_by("kind", "-is_primary", "pk"),
        "orders": orders[:100],
        "order_count": orders.count(),
        "tasks": customer.tasks.select_related("assignee", "done_by", "campaign").order_by(
            "-created_at"
        )[:50],
        "open_tasks": customer.tasks.filter(status=TaskStatus.OPEN).count(),
        "merges": CustomerMerge.objects.filter(target=customer).select_related(
            "source", "merged_by"
        ),
        "may_reveal": masking.may_see_personal_data(request.user),
        "masked_id_number": masking.mask_text(customer.id_number),
        "profile": customer.service_profile(),
    }
    return render(request, "customers/detail.html", context)


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """R-SEC-1: show this customer's full numbers once, written to the audit trail."""
    customer = access_customer(request.user, pk)
    revealed = masking.reveal(request.user, customer, request=request)
    return render(
        request, "customers/partials/revealed.html", {"customer": customer, "revealed": revealed}
    )


@login_required
@permission_required("customers.edit", raise_exception=True)
def customer_new(request: AuthedRequest) -> HttpResponse:
    initial = {"add_phones": request.GET.get("phone", ""), "tier": "ordinary"}
    form = CustomerForm(request.POST or None, initial=initial)
    duplicates: list[Customer] = []
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(
                request.user,
                form.data_for_service(),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
            )
        except services.DuplicateCustomer as error:
            duplicates = error.matches
            apply_validation_error(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": None, "duplicates": duplicates}
    return render(request, "customers/form.html", context)


@login_required
@permission_required("customers.edit", raise_exception=True)
def customer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = access(Customer, request.user, "customers.edit", pk=pk)
    form = CustomerForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_customer(request.user, customer, form.data_for_service())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/form.html", {"form": form, "customer": customer, "duplicates": []}
    )


@login_required
@permission_required("customers.view", raise_exception=True)
def duplicates(request: AuthedRequest) -> HttpResponse:
    groups = services.duplicate_groups()
    return render(
        request,
        "customers/duplicates.html",
        {"groups": groups, "may_merge": request.user.has_perm("customers.merge")},
    )


@login_required
@require_POST
def merge(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_perm("customers.merge"):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the two customers to merge."))
        return redirect("customers:duplicates")
    source = access_customer(request.user, form.cleaned_data["source"])
    target = access_customer(request.user, form.cleaned_data["target"])
    try:
        services.merge_customers(request.user, source, target, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("customers:duplicates")
    messages.success(
        request,
        _("%(source)s was merged into %(target)s.")
        % {"source": source.name, "target": target.name},
    )
    return redirect("customers:detail", pk=target.pk)


def _query_without(request: AuthedRequest, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()
