"""Chinese word segmentation for search (R-KB-5, work-order search).

Text is cut into words with jieba's dictionary (the Rust port ``rjieba``: about 4 µs for a
typical order against 200 µs for pure-Python jieba, with the same output), in "search" mode,
which also emits the shorter words inside long ones (指示灯 → 指示, 指示灯). Orders store
their words space-separated, and the database indexes them as plain tokens (PostgreSQL
full-text search with the 'simple' configuration, SQLite FTS5), so a query is an index look-up
instead of a LIKE scan over every row.
"""

from __future__ import annotations

import re

import rjieba

# Everything that is not a letter or a digit (Unicode-aware; \w also admits "_", cut too).
_NOT_WORD = re.compile(r"[\W_]+")


def words(text: str) -> list[str]:
    """Distinct lower-case words of ``text`` in order of first appearance; punctuation dropped.

    Only letters and digits are kept, so a word is always safe inside an index query.
    """
    seen: dict[str, None] = {}
    for token in rjieba.cut_for_search(text or ""):
        clean = _NOT_WORD.sub("", token).lower()
        if clean:
            seen.setdefault(clean, None)
    return list(seen)


def index_text(*parts: str) -> str:
    """What an order stores for the search index: its words, space-separated."""
    return " ".join(words(" ".join(p for p in parts if p)))
