"""The word index behind work-order search, in each database's own full-text engine.

PostgreSQL: a GIN index over to_tsvector('simple', search_text). SQLite: an FTS5 table kept in
step with tickets_ticket by triggers. The words themselves are cut by kefu.lib.segment.
"""

from django.db import migrations

from kefu.lib.migrations import per_vendor

POSTGRES_UP = [
    "CREATE INDEX tickets_search_gin ON tickets_ticket "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS tickets_search_gin"]

SQLITE_UP = [
    "CREATE VIRTUAL TABLE tickets_search USING fts5("
    "search_text, content='tickets_ticket', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER tickets_search_ai AFTER INSERT ON tickets_ticket BEGIN "
    "INSERT INTO tickets_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER tickets_search_ad AFTER DELETE ON tickets_ticket BEGIN "
    "INSERT INTO tickets_search(tickets_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER tickets_search_au AFTER UPDATE OF search_text ON tickets_ticket BEGIN "
    "INSERT INTO tickets_search(tickets_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO tickets_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO tickets_search(tickets_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS tickets_search_ai",
    "DROP TRIGGER IF EXISTS tickets_search_ad",
    "DROP TRIGGER IF EXISTS tickets_search_au",
    "DROP TABLE IF EXISTS tickets_search",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_search_text")]
    operations = [
        per_vendor(
            {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP},
            {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN},
        )
    ]
