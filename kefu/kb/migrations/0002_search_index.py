"""The word index behind article search (R-KB-5), in each database's own full-text engine.

PostgreSQL: a stored generated tsvector with the title (and tags) weighted A, the unified wording
B and the body C, under a GIN index; ``ts_rank`` reads the weights. SQLite: an FTS5 table with
the same three columns, kept in step with kb_article by triggers; ``bm25`` weighs the columns.
The words themselves are cut by kefu.lib.segment, as for work orders (tickets 0004/0006).
"""

from django.db import migrations

from kefu.lib.migrations import per_vendor

POSTGRES_UP = [
    "ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_wording), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'C')) STORED",
    "CREATE INDEX kb_article_search_gin ON kb_article USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS kb_article_search_gin",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_vector",
]

COLUMNS = "search_title, search_wording, search_body"
NEW = "new.search_title, new.search_wording, new.search_body"
OLD = "old.search_title, old.search_wording, old.search_body"
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE kb_search USING fts5({COLUMNS}, "
    "content='kb_article', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER kb_search_ai AFTER INSERT ON kb_article BEGIN "
    f"INSERT INTO kb_search(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER kb_search_ad AFTER DELETE ON kb_article BEGIN "
    f"INSERT INTO kb_search(kb_search, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END",
    f"CREATE TRIGGER kb_search_au AFTER UPDATE OF {COLUMNS} ON kb_article BEGIN "
    f"INSERT INTO kb_search(kb_search, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO kb_search(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "INSERT INTO kb_search(kb_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS kb_search_ai",
    "DROP TRIGGER IF EXISTS kb_search_ad",
    "DROP TRIGGER IF EXISTS kb_search_au",
    "DROP TABLE IF EXISTS kb_search",
]


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_articles")]
    operations = [
        per_vendor(
            {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP},
            {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN},
        )
    ]
