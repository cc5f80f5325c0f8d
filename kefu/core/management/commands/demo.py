from typing import Any

from django.core.management.base import BaseCommand

from kefu.callbacks.demo import load_callbacks
from kefu.customers.demo import load_customers
from kefu.kb.demo import load_kb
from kefu.kb.demo import summary_line as kb_summary_line
from kefu.notifications.demo import settle_demo_notifications
from kefu.org.demo import DEMO_PASSWORD, load_org
from kefu.org.roles import ROLES_BY_CODE
from kefu.tickets.demo import load_orders, summary_line


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo center — staff, customers and a few hundred work orders — "
        "and print its logins. Safe to run again: the orders are added only once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        staff = load_org()
        customers = load_customers()
        load_orders(customers)
        load_kb()  # after the orders: some articles are recorded as used on them
        load_callbacks()  # callbacks made on demo orders awaiting them, last week's reports
        settle_demo_notifications()  # last: the history's notifications about closed orders
        self.stdout.write(self.style.SUCCESS("Demo center loaded. Demo logins (工号 / password):"))
        for person in staff:
            role = ROLES_BY_CODE[person.role]
            login = f"  {person.employee_no:<6} {DEMO_PASSWORD}   {person.name}"
            self.stdout.write(f"{login}  {role.chinese} ({role.code})")
        self.stdout.write("  A password changed after the first load is kept.")
        self.stdout.write(f"Demo customers: {len(customers)}")
        self.stdout.write(summary_line())
        self.stdout.write(kb_summary_line())
