"""Customer import pages: upload → preview with row errors → confirm → progress (R-CUS-1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_validation_error
from kefu.core.types import AuthedRequest
from kefu.customers import imports
from kefu.customers.choices import IMPORT_ACTIVE
from kefu.customers.forms import UploadForm
from kefu.customers.models import ImportJob


@login_required
@permission_required("customers.import", raise_exception=True)
def import_list(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.upload(request.user, form.cleaned_data["file"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("customers:import_detail", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:30]
    return render(request, "customers/imports.html", {"form": form, "jobs": jobs})


def _context(job: ImportJob, page: int = 1) -> dict:
    problems = Paginator(job.errors, 200).get_page(page)
    return {
        "job": job,
        "problems": [
            {**p, "label": imports.field_label(p["field"]), "message": imports.describe(p)}
            for p in problems
        ],
        "problem_page": problems,
        "active": job.status in IMPORT_ACTIVE,
        "percent": imports.percent(job),
        "processed": imports.progress(job),
    }


@login_required
@permission_required("customers.import", raise_exception=True)
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    page = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    return render(request, "customers/import_detail.html", _context(job, page))


@login_required
@permission_required("customers.import", raise_exception=True)
def import_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by HTMX while the import runs."""
    job = get_object_or_404(ImportJob, pk=pk)
    response = render(request, "customers/partials/import_progress.html", _context(job))
    if job.status not in IMPORT_ACTIVE and request.htmx:
        response["HX-Refresh"] = "true"  # finished: show the result page
    return response


@login_required
@require_POST
@permission_required("customers.import", raise_exception=True)
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        imports.confirm(request.user, job)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("customers:import_detail", pk=pk)


@login_required
@require_POST
@permission_required("customers.import", raise_exception=True)
def import_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        imports.cancel(request.user, job)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("Import cancelled; nothing was imported."))
    return redirect("customers:imports")
