from typing import Any

from django.core.management.base import BaseCommand

from kefu.org.actions import sync_roles


class Command(BaseCommand):
    help = (
        "Create the roles defined in kefu.org.roles that the database lacks, and rename those "
        "whose name differs from the code's. Roles are never deleted (migrate does this too)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = sync_roles()
        self.stdout.write(f"roles created: {', '.join(created) or 'none'}")
