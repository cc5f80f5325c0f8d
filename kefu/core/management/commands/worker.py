import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background worker (Huey consumer): periodic jobs, notifications, imports."

    def handle(self, *args: Any, **options: Any) -> None:
        # Huey reads periodic schedules (crontab) in the process's local time: make that the
        # center's time zone, so "03:17" means 03:17 in Shanghai, not in UTC.
        os.environ["TZ"] = settings.TIME_ZONE
        time.tzset()
        call_command("run_huey")
