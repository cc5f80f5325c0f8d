"""Export housekeeping run by the background worker (R-SEC-2)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="7"))
@lock_task("audit-purge-expired-exports")
def purge_expired_exports() -> None:
    """Hourly: expire approvals not used in time and delete the files of expired exports."""
    from kefu.audit.exports import purge_expired

    purge_expired()
