"""Background jobs of the notifications app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def send_deliveries(delivery_ids: list[int]) -> None:
    """Send the e-mails and text messages a committed ``notify()`` wrote."""
    from kefu.notifications.delivery import deliver

    deliver(delivery_ids)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("notifications-send-stale")
def send_stale_deliveries() -> None:
    """Pick up deliveries whose queue message was lost between the commit and the enqueue."""
    from kefu.notifications.delivery import send_stale_pending

    send_stale_pending()


@db_periodic_task(crontab(minute="37", hour="3"))
@lock_task("notifications-purge-read")
def purge_read_notifications() -> None:
    """Delete notifications read more than 90 days ago (and deliveries as old), nightly."""
    from kefu.notifications.services import purge_read

    purge_read()
