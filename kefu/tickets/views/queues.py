"""The queues: waiting for me, my orders, review, department, all open (R-ORG-3), with
filters and search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from kefu.core.types import AuthedRequest
from kefu.sla.services import attach_running_clocks
from kefu.tickets.forms import FilterForm
from kefu.tickets.queries import (
    DUE_FIRST_QUEUES,
    SORTS,
    default_sort,
    filtered_queue,
    is_keyword_search,
    next_page_label,
    page,
    queues_for,
    staff_choices,
)

PAGE_SIZE = 50


@login_required
def ticket_list(request: AuthedRequest) -> HttpResponse:
    available = queues_for(request.user)
    if not available:
        raise PermissionDenied
    codes = [q.code for q in available]
    current = request.GET.get("queue") or codes[0]
    form = FilterForm(request.GET or None)
    form.is_valid()  # the valid filters apply; a bad one is flagged on its field
    filters = form.filters()
    qs = filtered_queue(request.user, current, filters).for_list()
    requested = request.GET.get("sort", "")
    sort = requested if requested in SORTS else default_sort(current)
    by_id = is_keyword_search(filters.q)
    rows, next_cursor = page(
        qs,
        request.GET.get("cursor", ""),
        PAGE_SIZE,
        by_id=by_id,
        by_due=sort == "due",
        with_undated=current in DUE_FIRST_QUEUES,  # every order waiting, due first
    )
    attach_running_clocks(rows)  # SLA badges: one query for the page
    context = {
        "queues": available,
        "current": current,
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "sorts": SORTS,
        "sort": sort,
        "next_label": next_page_label(sort, by_id=by_id),
        "staff_choices": staff_choices(),  # lazy: read only where the filter bar is drawn
        "query_without_cursor": _query_without(request, "cursor"),
    }
    template = "tickets/partials/table.html" if request.htmx else "tickets/list.html"
    return render(request, template, context)


def _query_without(request: AuthedRequest, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()
