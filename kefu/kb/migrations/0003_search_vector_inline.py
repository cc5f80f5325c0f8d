"""Article search at 20k articles under 50 ms on PostgreSQL (issue 7, R-KB-5; bench/kb_bench.py).

* The weighted tsvector (about 1 kB) is the widest column of an article row, so PostgreSQL moved
  it out of line into the TOAST table: every ``ts_rank`` and every ``@@`` tested outside the GIN
  index fetched it back, thousands of look-ups per query, and the planner, which does not cost
  that, chose sequential scans. Storage MAIN keeps it in the row; the body texts go out instead.
* A second, small vector of the title and tags (A) and the unified wording (B) with its own GIN
  index answers the search in titles and wordings only: ":AB" on the full vector needed the
  vector of every article holding the word to be re-checked for its weights.
* ``fastupdate`` off: a revision's words go straight into the GIN trees instead of a pending
  list that every search must scan until VACUUM merges it; a revision costs a little more.

Adding the stored column rewrites the table, which re-stores the existing vectors in line.
SQLite (FTS5) is unchanged.
"""

from django.db import migrations

from kefu.lib.migrations import per_vendor

POSTGRES_UP = [
    "ALTER TABLE kb_article ALTER COLUMN search_vector SET STORAGE MAIN",
    # One statement: the storage is set before the rewrite fills the new column.
    "ALTER TABLE kb_article ADD COLUMN search_strong tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_wording), 'B')) STORED, "
    "ALTER COLUMN search_strong SET STORAGE MAIN",
    "CREATE INDEX kb_article_strong_gin ON kb_article USING gin (search_strong) "
    "WITH (fastupdate = off)",
    "ALTER INDEX kb_article_search_gin SET (fastupdate = off)",
]
POSTGRES_DOWN = [
    "ALTER INDEX kb_article_search_gin RESET (fastupdate)",
    "DROP INDEX IF EXISTS kb_article_strong_gin",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_strong",
    "ALTER TABLE kb_article ALTER COLUMN search_vector SET STORAGE EXTENDED",
]


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_search_index")]
    operations = [per_vendor({"postgresql": POSTGRES_UP}, {"postgresql": POSTGRES_DOWN})]
