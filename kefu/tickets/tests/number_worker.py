"""One OS process of the numbering test (R-WO-11): registers orders through ``actions.register``.

Not a test module; ``test_numbering.py`` starts it with ``sys.executable``. Django is set up from
the environment the parent passes (``DJANGO_SETTINGS_MODULE``, ``KEFU_DATABASE_URL``), so the
worker writes to the same, real, committed database as its siblings.

    python number_worker.py setup                      migrate, then load the demo organisation
    python number_worker.py create COUNT TYPE PHONE    print "ready", wait for "go" on stdin,
                                                       register COUNT orders as agent 1001 and
                                                       print their numbers as one JSON line
    python number_worker.py report TYPE                print {"orders": n, "sequences": {...}}
    python number_worker.py hold TYPE PHONE            register one order in a transaction left
                                                       open: print "holding NUMBER", commit on
                                                       "release" from stdin

The "ready"/"go" handshake lets the parent release every worker at the same moment, after the
slow part (starting Python and Django) is over, so that the workers really do collide.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()


def setup() -> None:
    from django.core.management import call_command

    from kefu.org.demo import load_org

    call_command("migrate", verbosity=0)
    load_org()


def create(count: int, type_code: str, phone: str) -> list[str]:
    _register(type_code, phone, 0)  # import and warm up everything before saying ready
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("no go signal")
    return _register(type_code, phone, count)


def _register(type_code: str, phone: str, count: int) -> list[str]:
    from kefu.org.models import User
    from kefu.tickets import actions
    from kefu.tickets.choices import Channel
    from kefu.tickets.models import CallType

    agent = User.objects.get(employee_no="1001")
    call_type = CallType.objects.get(code=type_code)
    level = "III" if call_type.is_complaint else ""
    numbers = []
    for i in range(count):
        ticket = actions.register(
            agent,
            actions.Registration(
                call_type=call_type,
                channel=Channel.PHONE,
                title=f"并发编号测试 {os.getpid()}-{i}",
                contact_phone=phone,
                contact_name="并发测试",
                level=level,
            ),
        )
        numbers.append(ticket.number)
    return numbers


def hold(type_code: str, phone: str) -> None:
    from django.db import transaction

    with transaction.atomic():
        (number,) = _register(type_code, phone, 1)
        print(f"holding {number}", flush=True)
        if sys.stdin.readline().strip() != "release":
            raise SystemExit("no release signal")
    print("committed", flush=True)


def report(type_code: str) -> dict[str, object]:
    from kefu.tickets.models import Ticket, TicketSequence

    return {
        "orders": Ticket.objects.filter(call_type__code=type_code).count(),
        "sequences": dict(
            TicketSequence.objects.filter(key__startswith=f"{type_code}-").values_list(
                "key", "value"
            )
        ),
    }


def main(argv: list[str]) -> None:
    _django()
    command, *args = argv
    if command == "setup":
        setup()
    elif command == "create":
        count, type_code, phone = args
        print(json.dumps({"numbers": create(int(count), type_code, phone)}), flush=True)
    elif command == "hold":
        hold(*args)
    elif command == "report":
        print(json.dumps(report(*args)), flush=True)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
