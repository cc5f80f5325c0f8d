from typing import Any

from django.core.management.base import BaseCommand

from kefu.org.demo import DEMO_PASSWORD, load_org
from kefu.org.roles import ROLES_BY_CODE


class Command(BaseCommand):
    help = "Load (or refresh) the demo center and print its logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        staff = load_org()
        self.stdout.write(self.style.SUCCESS("Demo center loaded. Demo logins (工号 / password):"))
        for person in staff:
            role = ROLES_BY_CODE[person.role]
            self.stdout.write(
                f"  {person.employee_no:<6} {DEMO_PASSWORD}   {person.name}  {role.chinese} ({role.code})"
            )
        self.stdout.write("  A password changed after the first load is kept.")
