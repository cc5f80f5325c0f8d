"""Refused requests are one WARNING line in the log; server errors keep their traceback (the
LOGGING set-up in config/settings.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils.log import log_response

from kefu.org.models import User

pytestmark = pytest.mark.django_db


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_permission_denied_is_one_warning_line_without_traceback(
    org: Any, login: Callable[[User], Any], caplog: pytest.LogCaptureFixture
) -> None:
    agent = User.objects.get(employee_no="1001")
    with caplog.at_level(logging.INFO):
        assert login(agent).get("/audit/trail/").status_code == 403
    records = _request_records(caplog)
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /audit/trail/")
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_not_found_is_one_warning_line(
    org: Any, login: Callable[[User], Any], caplog: pytest.LogCaptureFixture
) -> None:
    agent = User.objects.get(employee_no="1001")
    with caplog.at_level(logging.INFO):
        assert login(agent).get("/kb/999999/").status_code == 404
    records = _request_records(caplog)
    assert [r.levelname for r in records] == ["WARNING"]
    assert all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    request = RequestFactory().get("/boom/")
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        exception = error
    with caplog.at_level(logging.INFO):
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=_response(500),
            request=request,
            exception=exception,
        )
        log_response(
            "Forbidden (Permission denied): %s",
            request.path,
            response=_response(403),
            request=request,
            exception=PermissionDenied(),
        )
    error_record, forbidden = _request_records(caplog)
    assert error_record.levelname == "ERROR"
    assert error_record.exc_info is not None
    assert forbidden.levelname == "WARNING"
    assert forbidden.exc_info is None
    assert caplog.text.count("Traceback") == 1


def _response(status: int) -> Any:
    from django.http import HttpResponse

    return HttpResponse(status=status)
