"""dedupe_key holds across concurrent workers: the unique constraint decides, not a lookup.

Run on PostgreSQL too (``KEFU_DATABASE_URL=postgres://…``), where the second writer blocks on
the first one's uncommitted row and then finds the key taken.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from kefu.notifications.models import Delivery, Notification
from kefu.notifications.services import notify
from kefu.org.models import User

IS_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


# The SQLite test database is in memory with a shared cache, where a second writer gets "table
# is locked" at once instead of waiting; on a file database IMMEDIATE transactions serialise the
# writers, so the race this test stages is PostgreSQL's.
@pytest.mark.skipif(IS_SQLITE, reason="concurrent writers need PostgreSQL (see above)")
@pytest.mark.django_db(transaction=True)
def test_two_workers_notifying_with_one_key_write_one_row_and_one_email(org):
    person = User.objects.get(employee_no="1001")
    person.email = "wangli@example.cn"
    person.save(update_fields=["email"])
    first_inserted = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def worker(name: str, hold: float) -> None:
        try:
            if name == "second":
                first_inserted.wait(5)
            with transaction.atomic():
                results[name] = notify(
                    [person], "sla.alarm", title="告警", dedupe_key="clock:42:alarm"
                )
                if name == "first":
                    first_inserted.set()
                    time.sleep(hold)  # the other worker runs while this one is uncommitted
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=("first", 0.5)),
        threading.Thread(target=worker, args=("second", 0)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert sorted(results.values()) == [0, 1]
    assert Notification.objects.filter(recipient=person).count() == 1
    assert Delivery.objects.filter(recipient=person).count() == 1
    assert len(mail.outbox) == 1
