"""What the hand-written migrations share: SQL that differs per database engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations

Statements = dict[str, list[str]]  # engine ("postgresql", "sqlite") → statements, in order


def per_vendor(up: Statements, down: Statements) -> migrations.RunPython:
    """Run the statements of the database's engine, forwards and backwards; an engine without
    statements of its own is left as it is."""
    return migrations.RunPython(_run(up), _run(down))


def _run(statements: Statements) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run
