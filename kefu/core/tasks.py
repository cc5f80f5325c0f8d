"""Housekeeping jobs run by the background worker."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("clear-expired-sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions nightly, so the session table does not grow without bound."""
    call_command("clearsessions")


@db_periodic_task(crontab(minute="27", hour="3"))
@lock_task("purge-idempotency-records")
def purge_idempotency() -> None:
    """Drop Idempotency-Key records older than a day: a client retries within minutes."""
    from kefu.core.idempotency import purge_idempotency_records

    purge_idempotency_records()
