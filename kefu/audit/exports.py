"""Approved extraction of customer data (R-SEC-2): request → manager's decision → one export.

Every step is a function here that the pages, the API and the worker call: it checks the
permission and the state, writes the change and its audit record in one transaction.

* ``request_export``: a staff member with ``customers.request_export`` states purpose and scope.
* ``approve`` / ``reject``: a manager (``customers.approve_export``), never the requester.
* ``generate``: the requester alone, while the approval is fresh, writes the file (CSV or .xlsx)
  to private storage; the audit record says who, when, which filter and how many rows.
* ``open_export``: the requester alone downloads it until ``expires_at``; each download is logged.

Numbers in an approved export are full: that is what the approval is for.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.env import env_int, env_str
from kefu.audit.choices import AuditAction, ExportFormat, ExportStatus
from kefu.audit.models import ExportRequest
from kefu.audit.services import record
from kefu.core.errors import IllegalTransition
from kefu.customers.choices import ContactKind, CustomerTier, CustomerType
from kefu.customers.models import ContactPoint, Customer
from kefu.lib.center_time import center_tz
from kefu.lib.phones import national

REQUEST_PERMISSION = "customers.request_export"
APPROVE_PERMISSION = "customers.approve_export"


# --- Configuration ------------------------------------------------------------------------------


def export_ttl() -> timedelta:
    """How long an approval stays usable and a generated file downloadable (default 24 h;
    ``KEFU_EXPORT_TTL_HOURS``)."""
    hours = getattr(settings, "KEFU_EXPORT_TTL_HOURS", None) or env_int("KEFU_EXPORT_TTL_HOURS", 24)
    return timedelta(hours=int(hours))


def export_dir() -> Path:
    """Private storage for export files: outside MEDIA_ROOT and STATIC_ROOT, so no web server
    serves it; only ``open_export`` hands a file out (``KEFU_EXPORT_DIR``)."""
    configured = getattr(settings, "KEFU_EXPORT_DIR", None) or env_str(
        "KEFU_EXPORT_DIR", str(Path(settings.DATA_DIR) / "private" / "exports")
    )
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


# --- The columns: the one place that says what an export contains --------------------------------


def _contacts(customer: Customer, kind: str) -> str:
    values = [c.value for c in customer.export_contacts if c.kind == kind]  # type: ignore[attr-defined]
    if kind == ContactKind.PHONE:
        values = [national(v) for v in values]
    return "; ".join(values)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class Column:
    header: Any  # lazy translation
    value: Any  # Callable[[Customer], str | int | date | None]


def columns() -> list[Column]:
    return [
        Column(_("Customer id"), lambda c: c.pk),
        Column(_("Name"), lambda c: c.name),
        Column(_("Kind"), lambda c: c.get_kind_display()),
        Column(_("Customer type"), lambda c: _label(CustomerType, c.customer_type)),
        Column(_("Tier"), lambda c: c.tier_label),
        Column(_("Region"), lambda c: c.region),
        Column(_("Registration date"), lambda c: c.registered_on),
        Column(_("Birthday"), lambda c: c.birthday),
        Column(_("Phones"), lambda c: _contacts(c, ContactKind.PHONE)),
        Column(_("E-mail"), lambda c: _contacts(c, ContactKind.EMAIL)),
        Column(_("WeChat"), lambda c: _contacts(c, ContactKind.WECHAT)),
        Column(_("Address"), lambda c: _contacts(c, ContactKind.ADDRESS)),
        Column(_("ID number"), lambda c: c.id_number),
    ]


# --- Scope --------------------------------------------------------------------------------------


def customers_in_scope(export: ExportRequest) -> QuerySet[Customer]:
    """The customers the request covers: current (not merged) ones matching its filter."""
    qs = Customer.objects.filter(merged_into__isnull=True)
    if export.tier:
        qs = qs.filter(tier=export.tier)
    if export.customer_type:
        qs = qs.filter(customer_type=export.customer_type)
    if export.region:
        qs = qs.filter(region=export.region)
    if export.registered_from:
        qs = qs.filter(registered_on__gte=export.registered_from)
    if export.registered_to:
        qs = qs.filter(registered_on__lte=export.registered_to)
    return qs.order_by("pk").prefetch_related(
        Prefetch(
            "contacts",
            queryset=ContactPoint.objects.order_by("-is_primary", "pk"),
            to_attr="export_contacts",
        )
    )


def validate_scope(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not str(data.get("purpose") or "").strip():
        errors["purpose"] = [_("State what the data is needed for.")]
    if data.get("tier") and data["tier"] not in CustomerTier.values:
        errors["tier"] = [_("Unknown tier.")]
    if data.get("customer_type") and data["customer_type"] not in CustomerType.values:
        errors["customer_type"] = [_("Unknown customer type.")]
    if data.get("file_format", ExportFormat.XLSX) not in ExportFormat.values:
        errors["file_format"] = [_("Choose CSV or Excel.")]
    start, end = data.get("registered_from"), data.get("registered_to")
    if start and end and start > end:
        errors["registered_to"] = [_("The end of the range is before its start.")]
    if errors:
        raise ValidationError(errors)


# --- Actions ------------------------------------------------------------------------------------


def request_export(
    user: Any,
    *,
    purpose: str,
    tier: str = "",
    customer_type: str = "",
    region: str = "",
    registered_from: date | None = None,
    registered_to: date | None = None,
    file_format: str = ExportFormat.XLSX,
) -> ExportRequest:
    if not user.has_perm(REQUEST_PERMISSION):
        raise PermissionDenied(_("Your role may not request customer data exports."))
    data = {
        "purpose": purpose,
        "tier": tier,
        "customer_type": customer_type,
        "region": (region or "").strip(),
        "registered_from": registered_from,
        "registered_to": registered_to,
        "file_format": file_format or ExportFormat.XLSX,
    }
    validate_scope(data)
    with transaction.atomic():
        export = ExportRequest.objects.create(
            requester=user, requested_at=timezone.now(), **{**data, "purpose": purpose.strip()}
        )
        record(
            user,
            AuditAction.EXPORT_REQUESTED,
            export,
            summary=export.purpose[:200],
            after={"scope": export.scope(), "file_format": export.file_format},
        )
    return export


def _locked(export_id: int) -> ExportRequest:
    return ExportRequest.objects.select_for_update().get(pk=export_id)


def _decide(user: Any, export: ExportRequest, status: str, reason: str) -> ExportRequest:
    if not user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("Only a manager decides on export requests."))
    if export.requester_id == user.pk:
        raise PermissionDenied(_("You cannot decide on your own export request."))
    # Who may decide is told before what is wrong with the decision (403 before 422).
    if status == ExportStatus.REJECTED and not reason:
        raise ValidationError({"reason": [_("Say why the request is rejected.")]})
    with transaction.atomic():
        export = _locked(export.pk)
        if export.status != ExportStatus.REQUESTED:
            raise IllegalTransition(
                _("This request was already decided: %(status)s.")
                % {"status": export.get_status_display()}
            )
        export.status = status
        export.approver = user
        export.decided_at = timezone.now()
        export.reason = reason
        export.save(update_fields=["status", "approver", "decided_at", "reason"])
        action = (
            AuditAction.EXPORT_APPROVED
            if status == ExportStatus.APPROVED
            else AuditAction.EXPORT_REJECTED
        )
        record(
            user,
            action,
            export,
            summary=reason[:200],
            before={"status": ExportStatus.REQUESTED},
            after={"status": status, "scope": export.scope()},
        )
    return export


def approve(user: Any, export: ExportRequest, reason: str = "") -> ExportRequest:
    return _decide(user, export, ExportStatus.APPROVED, (reason or "").strip())


def reject(user: Any, export: ExportRequest, reason: str) -> ExportRequest:
    return _decide(user, export, ExportStatus.REJECTED, (reason or "").strip())


def approval_lapsed(export: ExportRequest, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        export.status == ExportStatus.APPROVED
        and export.decided_at is not None
        and export.decided_at + export_ttl() <= now
    )


def _refuse(user: Any, export: ExportRequest, message: str) -> PermissionDenied:
    """Log a refused export attempt (outside any transaction, so the record stays) and return
    the error to raise."""
    record(user, AuditAction.EXPORT_REFUSED, export, summary=message[:500])
    return PermissionDenied(message)


def generate(user: Any, export: ExportRequest) -> ExportRequest:
    """Write the export file for an approved request; only its requester may, once."""
    export.refresh_from_db()
    if export.requester_id != user.pk or not user.has_perm(REQUEST_PERMISSION):
        raise _refuse(user, export, _("Only the requester may generate this export."))
    if export.status == ExportStatus.APPROVED and approval_lapsed(export):
        expire_request(export)
        export.refresh_from_db()
    if export.status != ExportStatus.APPROVED:
        raise _refuse(
            user,
            export,
            _("This export needs a manager's approval first (status: %(status)s).")
            % {"status": export.get_status_display()},
        )
    folder = export_dir()
    path: Path | None = None
    try:
        with transaction.atomic():
            export = _locked(export.pk)
            if export.status != ExportStatus.APPROVED:  # generated meanwhile by a second click
                raise IllegalTransition(_("This export was already generated."))
            now = timezone.now()
            # Named in the center's time, the time the pages show (R-SLA-2 "center time").
            stamp = timezone.localtime(now, center_tz())
            name = f"export-{export.pk}-{stamp:%Y%m%d%H%M%S}.{export.file_format}"
            path = folder / name
            rows = _write(export, path)
            export.status = ExportStatus.USED
            export.generated_at = now
            export.row_count = rows
            export.file_name = name
            export.expires_at = now + export_ttl()
            export.save(
                update_fields=["status", "generated_at", "row_count", "file_name", "expires_at"]
            )
            record(
                user,
                AuditAction.EXPORT,
                export,
                summary=_("%(rows)d customers exported") % {"rows": rows},
                after={
                    "scope": export.scope(),
                    "rows": rows,
                    "file_format": export.file_format,
                    "file": name,
                    "purpose": export.purpose,
                },
            )
    except BaseException:
        if path is not None:  # the request stays approved; no file without its record
            path.unlink(missing_ok=True)
        raise
    return export


def _rows(export: ExportRequest) -> Iterator[list[Any]]:
    cols = columns()
    for customer in customers_in_scope(export).iterator(chunk_size=2000):
        yield [col.value(customer) for col in cols]


def _write(export: ExportRequest, path: Path) -> int:
    """Write to a temporary file beside the target and rename, so a half-written file never
    has the final name. Returns the number of customer rows."""
    headers = [str(col.header) for col in columns()]
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    count = 0
    try:
        if export.file_format == ExportFormat.CSV:
            # UTF-8 with BOM: Excel on Chinese Windows opens it with the right characters.
            with open(temporary, "w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out)
                writer.writerow(headers)
                for row in _rows(export):
                    writer.writerow(["" if v is None else v for v in row])
                    count += 1
        else:
            count = _write_xlsx(export, headers, temporary)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


DATE_FORMAT = "yyyy-mm-dd"


def _write_xlsx(export: ExportRequest, headers: list[str], path: str) -> int:
    """The workbook: dates are written as dates (not times at midnight) with a date format,
    in columns wide enough to show them."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Customers"))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 2)
    sheet.append(headers)
    count = 0
    for row in _rows(export):
        cells: list[Any] = []
        for value in row:
            if isinstance(value, date) and not isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    book.save(path)
    return count


def open_export(user: Any, export: ExportRequest) -> Path:
    """The file of a generated export, for its requester, until it expires; logged."""
    export.refresh_from_db()
    if export.requester_id != user.pk:
        raise _refuse(user, export, _("Only the requester may download this export."))
    if export.status != ExportStatus.USED or not export.file_name:
        raise _refuse(user, export, _("This export has not been generated."))
    if export.expires_at is None or export.expires_at <= timezone.now():
        raise _refuse(user, export, _("This export has expired."))
    path = export_dir() / export.file_name
    if not path.is_file():
        raise _refuse(user, export, _("This export has expired."))
    record(
        user,
        AuditAction.EXPORT_DOWNLOADED,
        export,
        summary=export.file_name,
        after={"rows": export.row_count, "file": export.file_name},
    )
    return path


def expire_request(export: ExportRequest, now: datetime | None = None) -> bool:
    """Mark an approval that was not used in time as expired (system action, audited)."""
    with transaction.atomic():
        locked = _locked(export.pk)
        if not approval_lapsed(locked, now):
            return False
        locked.status = ExportStatus.EXPIRED
        locked.save(update_fields=["status"])
        record(
            None,
            AuditAction.UPDATE,
            locked,
            summary=_("Approval lapsed unused"),
            before={"status": ExportStatus.APPROVED},
            after={"status": ExportStatus.EXPIRED},
        )
    return True


def purge_expired(now: datetime | None = None) -> tuple[int, int]:
    """Expire lapsed approvals and delete the files of expired exports. Returns (requests
    expired, files deleted). Run hourly by the worker."""
    now = now or timezone.now()
    expired = 0
    for export in ExportRequest.objects.filter(
        status=ExportStatus.APPROVED, decided_at__lte=now - export_ttl()
    ):
        expired += expire_request(export, now)
    deleted = 0
    for export in ExportRequest.objects.filter(status=ExportStatus.USED, expires_at__lte=now):
        if export.file_name:
            path = export_dir() / export.file_name
            if path.is_file():
                path.unlink()
                deleted += 1
    return expired, deleted
