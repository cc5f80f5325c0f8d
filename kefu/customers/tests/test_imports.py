"""R-CUS-1 import from .xlsx and .csv: preview with row errors, background import in one
transaction, re-runs without duplicates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import translation

from kefu.customers import imports
from kefu.customers.choices import ImportStatus
from kefu.customers.models import ContactPoint, Customer, ImportJob
from kefu.tickets.tests.api_fixtures import Api

HEADER = ["姓名", "电话", "邮箱", "等级", "区域", "生日", "标签", "外部编号"]


def csv_file(
    rows: list[list[str]], name: str = "customers.csv", header=HEADER
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def ten_thousand_rows() -> tuple[list[list[str]], dict[int, str]]:
    """10,000 rows; every 100th is bad in one of three ways. Returns rows and {file row: code}."""
    rows, bad = [], {}
    kinds = ["bad_phone", "missing_name", "unknown_tier"]
    for i in range(10_000):
        row = [f"客户{i}", f"139{i:08d}", "", "普通", "徐汇区", "1980-05-17", "宽带", ""]
        if i % 100 == 7:
            kind = kinds[(i // 100) % 3]
            if kind == "bad_phone":
                row[1] = f"12{i}"
            elif kind == "missing_name":
                row[0] = ""
            else:
                row[3] = "钻石"
            bad[i + 2] = kind  # the header is row 1
        rows.append(row)
    return rows, bad


def run_confirmed(user, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imports.confirm(user, job)
    job.refresh_from_db()
    return job


def test_r_cus_1_ten_thousand_rows_one_percent_bad(staff, django_capture_on_commit_callbacks):
    """The preview lists exactly the bad rows; the import adds the good rows once, even twice."""
    rows, bad = ten_thousand_rows()
    supervisor = staff["supervisor"]
    job = imports.upload(supervisor, csv_file(rows))
    assert (job.total_rows, job.valid_rows, job.error_rows) == (10_000, 9_900, 100)
    assert {p["row"]: p["code"] for p in job.errors} == bad
    assert Customer.objects.count() == 0  # nothing before confirmation

    job = run_confirmed(supervisor, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE
    assert (job.created_rows, job.skipped_rows) == (9_900, 0)
    assert Customer.objects.count() == 9_900
    assert ContactPoint.objects.filter(kind="phone").count() == 9_900
    assert imports.percent(job) == 100

    again = imports.upload(supervisor, csv_file(rows))
    assert again.existing_rows == 9_900
    again = run_confirmed(supervisor, again, django_capture_on_commit_callbacks)
    assert (again.created_rows, again.skipped_rows) == (0, 9_900)
    assert Customer.objects.count() == 9_900


def test_rows_are_matched_on_email_and_external_id_too(staff, django_capture_on_commit_callbacks):
    first = [["甲", "", "a@example.cn", "", "", "", "", ""], ["乙", "", "", "", "", "", "", ""]]
    job = imports.upload(staff["supervisor"], csv_file(first))
    assert [p["code"] for p in job.errors] == ["missing_contact"]
    run_confirmed(staff["supervisor"], job, django_capture_on_commit_callbacks)
    second = [
        ["甲", "13800001111", "A@example.cn", "", "", "", "", ""],  # same e-mail: skipped
        ["丙", "13800002222", "", "", "", "", "", "EXT-1"],
        ["丙2", "13800003333", "", "", "", "", "", "EXT-1"],  # same external id in the file
    ]
    job = imports.upload(staff["supervisor"], csv_file(second))
    assert [(p["row"], p["code"]) for p in job.errors] == [(4, "duplicate_in_file")]
    job = run_confirmed(staff["supervisor"], job, django_capture_on_commit_callbacks)
    assert (job.created_rows, job.skipped_rows) == (1, 1)
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["丙", "甲"]


def test_an_xlsx_with_chinese_headers_and_excel_values(staff, django_capture_on_commit_callbacks):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户名称", "手机号", "客户等级", "客户类型", "出生日期", "注册日期", "备注"])
    sheet.append(
        ["王建国", 13812345678, "VIP3", "商户", datetime(1980, 5, 17), "2020年3月1日", "老客户"]
    )
    sheet.append(["李秀英", "13900001111", "大客户", "媒体", None, None, ""])
    sheet.append(["张三", "13700001111", "金卡", "", "1990-13-01", None, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("客户.xlsx", buffer.getvalue())
    job = imports.upload(staff["supervisor"], upload)
    assert sorted((p["row"], p["code"]) for p in job.errors) == [
        (4, "bad_date"),
        (4, "unknown_tier"),
    ]
    job = run_confirmed(staff["supervisor"], job, django_capture_on_commit_callbacks)
    assert job.created_rows == 2
    wang = Customer.objects.get(name="王建国")
    assert (wang.tier, wang.vip_level, wang.customer_type) == ("vip", 3, "merchant")
    assert wang.birthday == date(1980, 5, 17)
    assert wang.birth_month_day == 517
    assert wang.registered_on == date(2020, 3, 1)
    assert wang.contacts.get().value == "+8613812345678"
    assert Customer.objects.get(name="李秀英").tier == "major"


def test_a_failure_half_way_leaves_nothing_written(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    """All or nothing: the database fails on the third batch; no customer of the file remains."""
    rows = [[f"客户{i}", f"139{i:08d}", "", "", "", "", "", ""] for i in range(500)]
    job = imports.upload(staff["supervisor"], csv_file(rows))
    monkeypatch.setattr(imports, "BATCH", 100)
    original = QuerySet.bulk_create
    calls = {"contacts": 0}

    def failing(self, objs, *args, **kwargs):
        if self.model is ContactPoint:
            calls["contacts"] += 1
            if calls["contacts"] == 3:
                raise DatabaseError("disk full")
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", failing)
    job = run_confirmed(staff["supervisor"], job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert "disk full" in job.failure
    assert Customer.objects.count() == 0
    assert ContactPoint.objects.count() == 0


def test_problems_are_described_in_the_readers_language(staff):
    job = imports.upload(staff["supervisor"], csv_file([["", "12", "", "钻石", "", "", "", ""]]))
    with translation.override("en"):
        described = sorted(imports.describe(p) for p in job.errors)
    assert described == [
        "The name is missing.",
        "Unknown tier “钻石”.",
        "“12” is not a valid phone number.",
    ]


def test_unreadable_files_and_missing_columns_are_refused(staff):
    with pytest.raises(ValidationError):
        imports.upload(staff["supervisor"], SimpleUploadedFile("x.txt", b"hello"))
    with pytest.raises(ValidationError):
        imports.upload(staff["supervisor"], csv_file([["a"]], header=["区域"]))
    with pytest.raises(ValidationError):
        imports.upload(staff["supervisor"], SimpleUploadedFile("x.xlsx", b"not a zip"))
    assert ImportJob.objects.count() == 0


def test_only_the_archive_owners_import(staff):
    with pytest.raises(PermissionDenied):
        imports.upload(staff["agent"], csv_file([["甲", "13800001111"]]))


def test_the_pages_upload_preview_confirm_and_show_progress(
    staff, client, django_capture_on_commit_callbacks
):
    client.force_login(staff["supervisor"])
    rows = [
        ["甲", "13800001111", "", "", "", "", "", ""],
        ["", "13800002222", "", "", "", "", "", ""],
    ]
    response = client.post(reverse("customers:imports"), {"file": csv_file(rows)})
    job = ImportJob.objects.get()
    assert response.url == reverse("customers:import_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'data-row="3"' in page
    assert 'data-row="2"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customers:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    bar = client.get(
        reverse("customers:import_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert 'aria-valuenow="100"' in bar.content.decode()
    assert bar["HX-Refresh"] == "true"
    client.force_login(staff["agent"])
    assert client.get(reverse("customers:imports")).status_code == 403


def test_the_import_api(staff, django_capture_on_commit_callbacks):
    api = Api(staff["supervisor"])
    rows = [["甲", "13800001111", "", "", "", "", "", ""], ["乙", "bad", "", "", "", "", "", ""]]
    upload = csv_file(rows)
    response = api.client.post(
        "/api/v1/customers/imports",
        {"file": upload},
        headers={"Authorization": f"Bearer {api.key}"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["valid_rows"], body["error_rows"]) == (1, 1)
    assert body["problems"][0]["row"] == 3
    assert body["problems"][0]["code"] == "bad_phone"
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(f"/customers/imports/{body['id']}/confirm")
    assert confirmed.status_code == 200
    assert api.get(f"/customers/imports/{body['id']}").json()["created_rows"] == 1


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("13812345678", ["+8613812345678"]),
        ("+86 138 1234 5678", ["+8613812345678"]),
        ("138-1234-5678", ["+8613812345678"]),
        ("(021)6675-0672", ["+862166750672"]),
        ("+86 139 0000 2222", ["+8613900002222"]),
        (
            "13812345678，(021)6675-0672；+86 139 0000 2222\n"
            "138-1234-5679/13812345670、13812345671",
            [
                "+8613812345678",
                "+862166750672",
                "+8613900002222",
                "+8613812345679",
                "+8613812345670",
                "+8613812345671",
            ],
        ),
    ],
)
def test_r_cus_1_phone_spellings_with_spaces_stay_one_number(cell, expected):
    assert imports.split_phones(cell) == (expected, [])


def test_r_cus_1_a_bad_spaced_number_is_reported_once_as_written():
    assert imports.split_phones("+86 139 0000 22") == ([], ["+86 139 0000 22"])


def test_r_cus_1_an_import_row_with_a_spaced_number_is_clean(staff):
    job = imports.upload(
        staff["supervisor"], csv_file([["陈先生", "+86 139 0000 2222", "", "", "", "", "", ""]])
    )
    assert job.errors == []
