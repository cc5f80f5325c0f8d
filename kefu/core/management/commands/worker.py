from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background worker (Huey consumer): periodic jobs, notifications, imports."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("run_huey")
