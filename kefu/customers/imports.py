"""Importing customers from Excel (.xlsx) and CSV (R-CUS-1).

1. ``upload`` stores the file and checks every row: the preview lists each bad row with what is
   wrong (missing name, bad phone, unknown tier, …). Problems are stored as codes and shown in
   the reader's language.
2. ``confirm`` queues the import; the Huey task ``tasks.run_import`` calls ``run``.
3. ``run`` imports the good rows in ONE transaction: it completes, or leaves nothing written.
   Rows whose customer exists already (same external id, phone or e-mail) are skipped, so a file
   imported twice adds its customers once. Progress goes to the cache while the transaction is
   open (the row itself is invisible to others until the commit) and to the row at the end.

Headers may be English or Chinese (姓名, 电话, 等级, …); tiers may be codes or names in either
language (普通, VIP3, 大客户, 重要客户, 专线客户).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.customers.choices import (
    VIP_LEVELS,
    ContactKind,
    CustomerKind,
    CustomerTier,
    CustomerType,
    ImportStatus,
    Source,
)
from kefu.customers.models import (
    ContactPoint,
    Customer,
    CustomerSettings,
    ImportJob,
    month_day,
)
from kefu.customers.services import (
    contact_points,
    forget_regions,
    normalise_email,
    split_tags,
    tag_objects,
)
from kefu.lib.phones import InvalidPhone, normalize_phone, try_normalize

MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000
STORED_ERRORS = 1000
BATCH = 1000

# Canonical column → the headers accepted for it (compared case-insensitively, spaces removed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "名称", "客户名称", "客户姓名"),
    "phone": ("phone", "phones", "mobile", "电话", "手机", "手机号", "联系电话", "电话号码"),
    "email": ("email", "e-mail", "邮箱", "电子邮件", "电子邮箱"),
    "wechat": ("wechat", "微信", "微信号"),
    "address": ("address", "地址", "联系地址"),
    "kind": ("kind", "类别", "客户类别"),
    "customer_type": ("type", "customer_type", "类型", "客户类型"),
    "tier": ("tier", "等级", "客户等级", "级别"),
    "vip_level": ("vip_level", "viplevel", "vip等级"),
    "region": ("region", "区域", "地区", "所属区域"),
    "source": ("source", "来源", "客户来源"),
    "external_id": ("external_id", "externalid", "外部编号", "客户编号"),
    "id_number": ("id_number", "idnumber", "证件号", "证件号码", "身份证号"),
    "registered_on": ("registered_on", "registration_date", "注册日期", "登记日期"),
    "birthday": ("birthday", "生日", "出生日期"),
    "tags": ("tags", "标签"),
    "notes": ("notes", "备注"),
}
HEADER_INDEX = {
    alias.replace(" ", "").lower(): column
    for column, aliases in COLUMNS.items()
    for alias in aliases
}

TIER_WORDS: dict[str, str] = {
    "普通": CustomerTier.ORDINARY,
    "普通客户": CustomerTier.ORDINARY,
    "vip": CustomerTier.VIP,
    "vip客户": CustomerTier.VIP,
    "大客户": CustomerTier.MAJOR,
    "重要": CustomerTier.IMPORTANT,
    "重要客户": CustomerTier.IMPORTANT,
    "专线": CustomerTier.LEASED_LINE,
    "专线客户": CustomerTier.LEASED_LINE,
}
TYPE_WORDS: dict[str, str] = {
    "终端用户": CustomerType.END_USER,
    "个人用户": CustomerType.END_USER,
    "用户": CustomerType.END_USER,
    "商户": CustomerType.MERCHANT,
    "合作伙伴": CustomerType.MERCHANT,
    "商户/合作伙伴": CustomerType.MERCHANT,
    "媒体": CustomerType.MEDIA,
    "其他": CustomerType.OTHER,
}
KIND_WORDS: dict[str, str] = {
    "个人": CustomerKind.PERSON,
    "单位": CustomerKind.ORGANISATION,
    "企业": CustomerKind.ORGANISATION,
    "机构": CustomerKind.ORGANISATION,
    "organization": CustomerKind.ORGANISATION,
}
SOURCE_WORDS: dict[str, str] = {
    "热线": Source.HOTLINE,
    "400热线": Source.HOTLINE,
    "导入": Source.IMPORT,
    "网站": Source.WEB,
    "微信": Source.WECHAT,
    "来访": Source.WALK_IN,
    "市场部": Source.SALES,
    "其他": Source.OTHER,
}
VIP_WITH_LEVEL = re.compile(r"^vip\s*([1-9])$")
# Between two phone numbers in one cell: real separators only. Spaces, hyphens and brackets are
# part of one number's spelling ("+86 138 1234 5678", "(021)6675-0672").
PHONE_SEPARATORS = re.compile(r"[;；,，、/／\r\n]+")

# Problem codes → message (shown in the reader's language when the preview is displayed).
MESSAGES: dict[str, Any] = {
    "missing_name": gettext_lazy("The name is missing."),
    "name_too_long": gettext_lazy("The name is longer than 100 characters."),
    "bad_phone": gettext_lazy("“%(value)s” is not a valid phone number."),
    "missing_contact": gettext_lazy("There is neither a phone number nor an e-mail address."),
    "bad_email": gettext_lazy("“%(value)s” is not a valid e-mail address."),
    "unknown_tier": gettext_lazy("Unknown tier “%(value)s”."),
    "unknown_type": gettext_lazy("Unknown customer type “%(value)s”."),
    "unknown_kind": gettext_lazy("Unknown kind “%(value)s” (individual or organisation)."),
    "unknown_source": gettext_lazy("Unknown source “%(value)s”."),
    "bad_vip_level": gettext_lazy("The VIP level “%(value)s” is not 1 to 5 on a VIP customer."),
    "bad_date": gettext_lazy("“%(value)s” is not a date (2024-03-01)."),
    "future_date": gettext_lazy("The date %(value)s is in the future."),
    "too_long": gettext_lazy("“%(value)s” is too long."),
    "duplicate_in_file": gettext_lazy("The same customer as row %(value)s of this file."),
}
FIELD_LABELS: dict[str, Any] = {
    "name": gettext_lazy("name"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "wechat": gettext_lazy("WeChat"),
    "address": gettext_lazy("address"),
    "kind": gettext_lazy("kind"),
    "customer_type": gettext_lazy("customer type"),
    "tier": gettext_lazy("tier"),
    "vip_level": gettext_lazy("VIP level"),
    "region": gettext_lazy("region"),
    "source": gettext_lazy("source"),
    "external_id": gettext_lazy("external id"),
    "id_number": gettext_lazy("ID number"),
    "registered_on": gettext_lazy("registration date"),
    "birthday": gettext_lazy("birthday"),
    "tags": gettext_lazy("tags"),
    "notes": gettext_lazy("notes"),
}
LIMITS = {"region": 50, "external_id": 64, "id_number": 32, "wechat": 200, "address": 200}


def describe(problem: dict[str, Any]) -> str:
    """A stored problem as a sentence in the active language."""
    message = MESSAGES.get(problem["code"], problem["code"])
    return str(message) % {"value": problem.get("value", "")}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


# --- Reading files --------------------------------------------------------------------------------


class UnreadableFile(ValidationError):
    pass


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed into Excel as a number
    return str(value).strip()


def read_rows(name: str, data: bytes) -> Iterator[list[str]]:
    """The rows of a .csv (UTF-8, with or without BOM, or GB18030 as Chinese Excel saves it) or
    the first sheet of an .xlsx, as lists of text."""
    lower = name.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise UnreadableFile(_("The CSV file is neither UTF-8 nor GB18030 text.")) from exc
        for row in csv.reader(io.StringIO(text)):
            yield [cell.strip() for cell in row]
        return
    if lower.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise UnreadableFile(_("The file is not a readable .xlsx workbook.")) from exc
        try:
            sheet = book.worksheets[0]
            for values in sheet.iter_rows(values_only=True):
                yield [_cell(v) for v in values]
        finally:
            book.close()
        return
    raise UnreadableFile(_("Upload an .xlsx or a .csv file."))


# --- Checking rows --------------------------------------------------------------------------------


@dataclass
class Row:
    """One good row, normalised, ready to insert."""

    number: int  # row number in the file (the header is row 1)
    values: dict[str, Any]
    phones: list[str]
    emails: list[str]
    wechat: str
    address: str
    tags: list[str]

    def match_keys(self) -> list[tuple[str, str]]:
        found = [("phone", p) for p in self.phones] + [("email", e) for e in self.emails]
        if self.values["external_id"]:
            found.append(("external_id", self.values["external_id"]))
        return found


@dataclass
class Checked:
    total: int = 0
    rows: list[Row] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # {row, field, code, value}
    bad_rows: set[int] = field(default_factory=set)


def _key(text: str) -> str:
    return text.strip().lower().replace(" ", "")


def vocabulary(words: dict[str, str], choices: Any) -> dict[str, str]:
    """Every spelling of a choice: its code, its label in English and in the active language,
    and the extra Chinese words. Built once per file, not per row."""
    found = dict(words)
    for language in ("en", translation.get_language() or "zh-hans"):
        with translation.override(language):
            found.update({_key(str(label)): str(value) for value, label in choices})
    found.update({str(value): str(value) for value, _label in choices})
    return found


def _choice(text: str, spellings: dict[str, str]) -> str | None:
    return spellings.get(_key(text))


def _date(text: str) -> date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    text = re.sub(r"(\d+)年(\d+)月(\d+)日?", r"\1-\2-\3", text)
    parts = text.split("-")
    if len(parts) != 3:
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2][:2]))


def split_phones(text: str) -> tuple[list[str], list[str]]:
    """The numbers in one phone cell, normalised, and the spellings that are not numbers.

    Numbers are separated by commas, semicolons, slashes, 、 or new lines; spaces belong to a
    number's spelling. Only a piece that is no number as a whole, but whose space-separated
    parts all are, is read as several numbers ("13812345678 13912345678").
    """
    phones: list[str] = []
    bad: list[str] = []
    for piece in PHONE_SEPARATORS.split(text or ""):
        raw = " ".join(piece.split())
        if not raw:
            continue
        try:
            phones.append(normalize_phone(raw))
            continue
        except InvalidPhone:
            pass
        parts = [try_normalize(part) for part in raw.split()] if " " in raw else []
        if parts and all(parts):
            phones.extend(p for p in parts if p)
        else:
            bad.append(raw)
    return list(dict.fromkeys(phones)), bad


@dataclass(frozen=True)
class Vocabularies:
    tier: dict[str, str]
    customer_type: dict[str, str]
    kind: dict[str, str]
    source: dict[str, str]

    @classmethod
    def build(cls) -> Vocabularies:
        return cls(
            tier=vocabulary(TIER_WORDS, CustomerTier.choices),
            customer_type=vocabulary(TYPE_WORDS, CustomerType.choices),
            kind=vocabulary(KIND_WORDS, CustomerKind.choices),
            source=vocabulary(SOURCE_WORDS, Source.choices),
        )


def check_row(
    number: int, cells: dict[str, str], today: date, words: Vocabularies | None = None
) -> tuple[Row | None, list[dict]]:
    """One row → a good ``Row`` or its problems."""
    words = words or Vocabularies.build()
    problems: list[dict[str, Any]] = []

    def problem(column: str, code: str, value: Any = "") -> None:
        problems.append({"row": number, "field": column, "code": code, "value": str(value)[:60]})

    name = cells.get("name", "").strip()
    if not name:
        problem("name", "missing_name")
    elif len(name) > 100:
        problem("name", "name_too_long")
    phones, bad = split_phones(cells.get("phone", ""))
    for raw in bad:
        problem("phone", "bad_phone", raw)
    emails: list[str] = []
    for raw in re.split(r"[;；,，\s]+", cells.get("email", "")):
        if raw:
            try:
                emails.append(normalise_email(raw))
            except ValidationError:
                problem("email", "bad_email", raw)
    if not phones and not emails and not any(p["field"] in ("phone", "email") for p in problems):
        problem("phone", "missing_contact")
    tier_text = cells.get("tier", "")
    tier, vip_level = CustomerTier.ORDINARY.value, None
    if tier_text:
        match = VIP_WITH_LEVEL.match(tier_text.strip().lower())
        if match:
            tier, vip_level = CustomerTier.VIP.value, int(match.group(1))
        else:
            found = _choice(tier_text, words.tier)
            if found is None:
                problem("tier", "unknown_tier", tier_text)
            else:
                tier = found
    if cells.get("vip_level"):
        try:
            vip_level = int(float(cells["vip_level"]))
        except ValueError:
            vip_level = -1
        if tier != CustomerTier.VIP or vip_level not in VIP_LEVELS:
            problem("vip_level", "bad_vip_level", cells["vip_level"])
    chosen: dict[str, str] = {}
    for column, spellings, default, code in (
        ("customer_type", words.customer_type, CustomerType.END_USER.value, "unknown_type"),
        ("kind", words.kind, CustomerKind.PERSON.value, "unknown_kind"),
        ("source", words.source, Source.IMPORT.value, "unknown_source"),
    ):
        text = cells.get(column, "")
        found = _choice(text, spellings) if text else default
        if found is None:
            problem(column, code, text)
        chosen[column] = found or default
    dates: dict[str, date | None] = {}
    for column in ("registered_on", "birthday"):
        text = cells.get(column, "")
        dates[column] = None
        if text:
            try:
                dates[column] = _date(text)
            except ValueError:
                problem(column, "bad_date", text)
            else:
                if dates[column] and dates[column] > today:  # type: ignore[operator]
                    problem(column, "future_date", text)
    for column, limit in LIMITS.items():
        if len(cells.get(column, "")) > limit:
            problem(column, "too_long", cells[column])
    if problems:
        return None, problems
    values = {
        "name": name,
        "kind": chosen["kind"],
        "customer_type": chosen["customer_type"],
        "tier": tier,
        "vip_level": vip_level,
        "region": cells.get("region", ""),
        "source": chosen["source"],
        "external_id": cells.get("external_id", ""),
        "id_number": cells.get("id_number", "").upper(),
        "registered_on": dates["registered_on"] or today,
        "birthday": dates["birthday"],
        "notes": cells.get("notes", ""),
    }
    return (
        Row(
            number=number,
            values=values,
            phones=list(dict.fromkeys(phones)),
            emails=list(dict.fromkeys(emails)),
            wechat=cells.get("wechat", ""),
            address=cells.get("address", ""),
            tags=split_tags(cells.get("tags", "")),
        ),
        [],
    )


def check_file(name: str, data: bytes, today: date | None = None) -> Checked:
    """Every row of the file checked; a row that repeats an earlier row's phone, e-mail or
    external id is a problem too (the file would otherwise create one customer twice)."""
    today = today or timezone.localdate()
    rows = read_rows(name, data)
    header = next(rows, None)
    if not header:
        raise UnreadableFile(_("The file is empty."))
    columns = [HEADER_INDEX.get(h.replace(" ", "").lower()) for h in header]
    if "name" not in columns or ("phone" not in columns and "email" not in columns):
        raise UnreadableFile(
            _(
                "The first row must name the columns; at least 姓名/name and "
                "电话/phone or 邮箱/email."
            )
        )
    checked = Checked()
    words = Vocabularies.build()
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        checked.total += 1
        if checked.total > MAX_ROWS:
            raise UnreadableFile(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
        values = {c: cells[i] for i, c in enumerate(columns) if c and i < len(cells) and cells[i]}
        row, problems = check_row(number, values, today, words)
        if row is not None:
            earlier = next((seen[k] for k in row.match_keys() if k in seen), None)
            if earlier is not None:
                problems = [
                    {"row": number, "field": "phone", "code": "duplicate_in_file", "value": earlier}
                ]
                row = None
        if row is None:
            checked.problems.extend(problems)
            checked.bad_rows.add(number)
            continue
        for key in row.match_keys():
            seen.setdefault(key, number)
        checked.rows.append(row)
    return checked


def existing_keys(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (phone|email|external_id, value) belong to a customer already."""
    found: set[tuple[str, str]] = set()
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    for kind, values in by_kind.items():
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            hits: Any
            if kind == "external_id":
                hits = Customer.objects.filter(external_id__in=chunk).values_list(
                    "external_id", flat=True
                )
            else:
                contact_kind = ContactKind.PHONE if kind == "phone" else ContactKind.EMAIL
                hits = ContactPoint.objects.filter(kind=contact_kind, value__in=chunk).values_list(
                    "value", flat=True
                )
            found.update((kind, v) for v in hits)
    return found


# --- The job --------------------------------------------------------------------------------------


def _require(actor: Any) -> None:
    if not actor.has_perm("customers.import"):
        raise PermissionDenied(_("You are not allowed to import customers."))


def upload(actor: Any, file: UploadedFile) -> ImportJob:
    """Store and check an uploaded file; the job holds the preview (counts and problems)."""
    _require(actor)
    name = file.name or "customers"
    if file.size and file.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 30 MB.")})
    data = file.read()
    try:
        checked = check_file(name, data)
    except UnreadableFile as error:
        raise ValidationError({"file": error.messages}) from error
    keys = {key for row in checked.rows for key in row.match_keys()}
    existing = existing_keys(keys)
    file.seek(0)
    job = ImportJob(
        file_name=name[:200],
        created_by=actor,
        total_rows=checked.total,
        valid_rows=len(checked.rows),
        existing_rows=sum(
            1 for row in checked.rows if any(k in existing for k in row.match_keys())
        ),
        error_rows=len(checked.bad_rows),
        errors=checked.problems[:STORED_ERRORS],
    )
    job.file.save(name, file, save=False)
    job.save()
    return job


@transaction.atomic
def confirm(actor: Any, job: ImportJob) -> ImportJob:
    """Queue a previewed import (the background task does the work)."""
    from kefu.customers.tasks import run_import

    _require(actor)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("This import was confirmed already."))
    if not locked.valid_rows:
        raise ValidationError(_("The file has no row that can be imported."))
    locked.status = ImportStatus.QUEUED
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_at"])
    transaction.on_commit(lambda: run_import(locked.pk))
    return locked


@transaction.atomic
def cancel(actor: Any, job: ImportJob) -> ImportJob:
    _require(actor)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("Only an import that was not confirmed can be cancelled."))
    locked.status = ImportStatus.CANCELLED
    locked.save(update_fields=["status"])
    return locked


def _progress_key(job_id: int) -> str:
    return f"customers:import:{job_id}:processed"


def progress(job: ImportJob) -> int:
    """Rows processed so far: from the cache while the import's transaction is open."""
    if job.status == ImportStatus.RUNNING:
        cached = cache.get(_progress_key(job.pk))
        return int(cached) if cached is not None else job.processed_rows
    return job.processed_rows


def percent(job: ImportJob) -> int:
    if job.status == ImportStatus.DONE:
        return 100
    return int(100 * progress(job) / job.valid_rows) if job.valid_rows else 0


def run(job_id: int) -> ImportJob:
    """Import a confirmed job's good rows: all in one transaction, or nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job  # already run, or cancelled: never twice
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        checked = check_file(job.file_name, data)
        created, skipped = _apply(job, checked.rows)
    except Exception as error:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, failure=str(error)[:2000], finished_at=timezone.now()
        )
        cache.delete(_progress_key(job_id))
        job.refresh_from_db()
        return job
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.DONE,
        processed_rows=len(checked.rows),
        created_rows=created,
        skipped_rows=skipped,
        finished_at=timezone.now(),
    )
    cache.delete(_progress_key(job_id))
    job.refresh_from_db()
    return job


@transaction.atomic
def _apply(job: ImportJob, rows: list[Row]) -> tuple[int, int]:
    from kefu.audit.services import record

    # One import at a time: the settings row is the lock, so that two jobs of the same file
    # cannot both find a customer missing and both add it.
    CustomerSettings.objects.select_for_update().filter(pk=CustomerSettings.current().pk).first()
    now = timezone.now()
    created = skipped = 0
    tag_ids = _tags({t for row in rows for t in row.tags})
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        existing = existing_keys({key for row in batch for key in row.match_keys()})
        fresh = [row for row in batch if not any(k in existing for k in row.match_keys())]
        skipped += len(batch) - len(fresh)
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    **row.values,
                    birth_month_day=month_day(row.values["birthday"]),
                    created_by=job.created_by,
                    last_activity_at=now,
                )
                for row in fresh
            ]
        )
        contacts: list[ContactPoint] = []
        links = []
        for row, customer in zip(fresh, customers, strict=True):
            contacts += contact_points(customer, row.phones, row.emails, row.wechat, row.address)
            links += [
                Customer.tags.through(customer_id=customer.pk, tag_id=tag_ids[t]) for t in row.tags
            ]
        ContactPoint.objects.bulk_create(contacts)
        if links:
            Customer.tags.through.objects.bulk_create(links)
        created += len(fresh)
        cache.set(_progress_key(job.pk), start + len(batch), 3600)
    if created:
        forget_regions()  # bulk inserts send no post_save
    record(
        job.created_by,
        "customer.import",
        job,
        summary=_("%(file)s: %(created)d customers added, %(skipped)d already present")
        % {"file": job.file_name, "created": created, "skipped": skipped},
        after={"created": created, "skipped": skipped, "rows": len(rows)},
    )
    return created, skipped


def _tags(names: set[str]) -> dict[str, int]:
    return {tag.name: tag.pk for tag in tag_objects(names)}
