"""``kefu serve``: the web server (gunicorn) and a background worker, together.

This is the embedded mode of DESIGN.md: one command, one machine. In production the two run
separately (``kefu serve --no-worker`` on each app server, ``kefu worker`` on worker hosts);
see docs/operations.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server and a background worker together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help="address to listen on (default: $HOST, else 127.0.0.1; 0.0.0.0 for every address)",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="port to listen on (default: $PORT, else 8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("KEFU_WEB_WORKERS", "2")),
            help="gunicorn worker processes (default: $KEFU_WEB_WORKERS, else 2)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("KEFU_WEB_THREADS", "4")),
            help="threads per worker process (default: $KEFU_WEB_THREADS, else 4)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a background worker (run `kefu worker` elsewhere)",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations before starting"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "kefu", "worker"]))
        bind = f"{options['host']}:{options['port']}"
        web = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ]
        )
        children.append(web)
        self.stdout.write(f"Kefu is serving on http://{bind}/ (data in {settings.DATA_DIR})")

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            # If either process dies, stop the other: a web server without its worker would
            # silently stop sending warnings.
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        sys.exit(web.returncode or 0)
