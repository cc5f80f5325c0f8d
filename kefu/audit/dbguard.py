"""Database triggers that make the audit table append-only for every client (R-SEC-3).

The application refuses changes in ``AuditRecord.save()``/``delete()``; these triggers refuse
them in the database too, so a raw ``UPDATE``/``DELETE`` (a bug, a shell, a SQL injection) fails.
An UPDATE that writes every column back unchanged is let through, because it changes nothing:
Django's deserializer (``loaddata``, the test runner's serialized rollback) saves an existing row
that way before it would insert it.
They are created by migration ``0002`` and dropped only by ``kefu flush`` (which empties every
table on purpose, e.g. between tests). Dropping them by hand needs the database owner's rights.

Note for later migrations of this app: on SQLite, Django rebuilds a table to alter it, which
drops its triggers; such a migration must call ``install(schema_editor.connection)`` again,
which also takes the new column into the SQLite trigger's comparison (the test
``test_raw_update_is_refused_by_the_database`` would fail otherwise).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditrecord"
MESSAGE = "audit records are append-only"

SQL = {
    "sqlite": {
        "install": [
            # {changed}: "NEW.c IS NOT OLD.c OR …" over every column, filled in by install().
            f"CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON {TABLE} "
            f"WHEN {{changed}} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER IF NOT EXISTS audit_record_no_delete BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ],
        "remove": [
            "DROP TRIGGER IF EXISTS audit_record_no_update",
            "DROP TRIGGER IF EXISTS audit_record_no_delete",
        ],
    },
    "postgresql": {
        "install": [
            "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; "
            "END $$",
            f"DROP TRIGGER IF EXISTS audit_record_append_only ON {TABLE}",
            f"CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            f"DROP TRIGGER IF EXISTS audit_record_no_truncate ON {TABLE}",
            f"CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
        ],
        "remove": [
            f"DROP TRIGGER IF EXISTS audit_record_append_only ON {TABLE}",
            f"DROP TRIGGER IF EXISTS audit_record_no_truncate ON {TABLE}",
            "DROP FUNCTION IF EXISTS audit_refuse_change()",
        ],
    },
}


def _run(connection: BaseDatabaseWrapper, step: str) -> None:
    statements = SQL.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(
            f"No append-only guard for the {connection.vendor} database: Kefu supports "
            "SQLite and PostgreSQL."
        )
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, TABLE)]
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)
        for statement in statements[step]:
            cursor.execute(statement.replace("{changed}", changed))


def install(connection: BaseDatabaseWrapper) -> None:
    _run(connection, "install")


def remove(connection: BaseDatabaseWrapper) -> None:
    _run(connection, "remove")
