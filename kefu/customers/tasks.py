"""Background jobs of the customer module: imports and the daily birthday greetings."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def run_import(job_id: int) -> None:
    """Import a confirmed customer file (``kefu.customers.imports.run``)."""
    from kefu.customers.imports import run

    run(job_id)


@db_periodic_task(crontab(minute="5", hour="7"))
@lock_task("customers-birthday-tasks")
def birthday_tasks() -> None:
    """R-CUS-3: today's birthday greeting tasks, once per customer per year (07:05 center time,
    before the morning shift)."""
    from kefu.customers.campaigns import create_birthday_tasks

    create_birthday_tasks()
