"""Idempotency-Key: one create per (user, key), replayed on retry, refused for another body."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from kefu.core import idempotency
from kefu.core.idempotency import IdempotencyKeyReused, purge_idempotency_records, run_once
from kefu.core.models import IdempotencyRecord
from kefu.org.models import Department

ENDPOINT = "POST /api/v1/things"


def creator(calls):
    """A create() that makes a row (a department stands in for any object) and counts calls."""

    def create():
        calls.append(1)
        department = Department.objects.create(name=f"部门{len(calls)}", code=f"d{len(calls)}")
        return 201, {"id": department.pk}

    return create


def test_it_creates_once_and_replays_the_stored_response(outsider):
    calls: list[int] = []
    first = run_once(outsider, "k1", ENDPOINT, {"a": 1}, creator(calls))
    second = run_once(outsider, "k1", ENDPOINT, {"a": 1}, creator(calls))
    assert (first.status, first.replayed) == (201, False)
    assert (second.status, second.body, second.replayed) == (201, first.body, True)
    # The retry ran in a transaction that was rolled back: its object is not kept.
    assert Department.objects.count() == 1


def test_key_order_in_the_body_does_not_matter(outsider):
    calls: list[int] = []
    run_once(outsider, "k1", ENDPOINT, {"a": 1, "b": 2}, creator(calls))
    assert run_once(outsider, "k1", ENDPOINT, {"b": 2, "a": 1}, creator(calls)).replayed


def test_another_body_or_endpoint_with_the_same_key_is_refused(outsider):
    calls: list[int] = []
    run_once(outsider, "k1", ENDPOINT, {"a": 1}, creator(calls))
    with pytest.raises(IdempotencyKeyReused):
        run_once(outsider, "k1", ENDPOINT, {"a": 2}, creator(calls))
    with pytest.raises(IdempotencyKeyReused):
        run_once(outsider, "k1", "POST /api/v1/other", {"a": 1}, creator(calls))
    assert Department.objects.count() == 1


def test_a_failed_create_leaves_no_record(outsider):
    def fail():
        Department.objects.create(name="半途", code="half")
        raise ValidationError({"name": "bad"})

    with pytest.raises(ValidationError):
        run_once(outsider, "k1", ENDPOINT, {}, fail)
    assert IdempotencyRecord.objects.count() == 0
    assert Department.objects.count() == 0


def test_an_overlong_key_is_a_field_error(outsider):
    with pytest.raises(ValidationError) as error:
        run_once(outsider, "x" * 256, ENDPOINT, {}, creator([]))
    assert "Idempotency-Key" in error.value.message_dict


def test_a_retry_whose_create_now_fails_still_gets_the_stored_response(outsider):
    """The data changed between the first request and its retry (say, the taxonomy item was
    retired): the retry's create fails, but the first one succeeded, and that is the answer."""
    winner = run_once(outsider, "k1", ENDPOINT, {"a": 1}, creator([]))

    def now_invalid():
        Department.objects.create(name="半途", code="half")
        raise ValidationError({"name": "bad"})

    retry = run_once(outsider, "k1", ENDPOINT, {"a": 1}, now_invalid)
    assert (retry.replayed, retry.body) == (True, winner.body)
    assert Department.objects.count() == 1


def test_records_older_than_a_day_are_purged(outsider):
    run_once(outsider, "old", ENDPOINT, {}, lambda: (201, {}))
    run_once(outsider, "new", ENDPOINT, {}, lambda: (201, {}))
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=IdempotencyRecord.objects.get(key="old").created_at - timedelta(hours=25)
    )
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_one_object():
    """Both requests create before either commits; the second waits on the unique index, then
    rolls back and replays the first one's response."""
    from kefu.org.models import User

    user = User.objects.create_user("8002", "x", name="并发")
    calls: list[int] = []
    inside = threading.Barrier(2, timeout=10)
    release = threading.Event()
    results: list[idempotency.Outcome] = []
    errors: list[BaseException] = []

    def create():
        calls.append(1)
        department = Department.objects.create(name=f"并发{len(calls)}", code=f"c{len(calls)}")
        if len(calls) == 1:
            release.wait(5)  # hold the first transaction open while the second tries
        return 201, {"id": department.pk}

    def request():
        try:
            inside.wait()
            results.append(run_once(user, "same", ENDPOINT, {"a": 1}, create))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    threading.Timer(1.0, release.set).start()
    for thread in threads:
        thread.join(15)
    assert not errors, errors
    assert Department.objects.filter(name__startswith="并发").count() == 1
    assert sorted(r.replayed for r in results) == [False, True]
    assert results[0].body == results[1].body
