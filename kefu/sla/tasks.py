"""The SLA sweep as a Huey periodic task: every minute, on whichever worker takes it.

Each run stamps what crossed a threshold, then delivers every pending crossing batch (see
``kefu.sla.sweep``). No ``lock_task``: clocks and batches are claimed exactly once, so two
overlapping sweeps (a long delivery still running when the next minute starts) are harmless,
while a lock left behind by a killed worker would stop every later sweep (Huey keeps such a
lock until ``run_huey --flush-locks``).
"""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def sla_sweep() -> None:
    from kefu.sla.sweep import sweep

    result = sweep()
    if result.warned or result.alarmed or result.escalated:
        logger.info("SLA sweep: %s", result)
