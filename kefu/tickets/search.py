"""Searching work orders: what the search box holds decides which index answers it.

Every kind below is an index look-up, so a search stays fast at a million orders
(bench/http_bench.py); nothing scans the table with a leading-wildcard LIKE:

- an order number or its beginning (``A1-20261201``): a range on the unique number index;
- a day and sequence (``20261201-0111``): the exact numbers of every call type for that day;
- a sequence alone (``0111``, ``111``): the exact numbers of every call type for each of the
  last ``SEQUENCE_SEARCH_DAYS`` days — the repeat caller reading the tail of a recent number;
- a whole phone number in any spelling: equality on the (contact_phone, received) index;
- the first 7 or more digits of a phone number (``1381234``): a range on the same index;
- anything else: words of the summary, details and caller name, through the word index
  (migration 0004 / 0006).

The tail of a phone number and a sequence older than the window are not searchable: neither
has an index, and guessing would mean reading every order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kefu.lib.phones import try_normalize
from kefu.lib.segment import words
from kefu.tickets.models.ticket import TicketQuerySet

SEQUENCE_SEARCH_DAYS = 7  # how far back a bare sequence (``0111``) is looked for
PHONE_PREFIX_MIN_DIGITS = 7  # fewer digits match too many numbers to be worth an index range

_DAY_AND_SEQUENCE = re.compile(r"^(\d{8})-(\d{1,4})$")
_SEQUENCE = re.compile(r"^\d{1,4}$")
_PHONE_SPELLING = re.compile(r"[\s\-()]")
_DIGITS = re.compile(r"^\+?\d+$")


@dataclass(frozen=True)
class Query:
    """What a search box holds: ``kind`` is "number" (prefix), "day_sequence" ("YYYYMMDD-NNNN"),
    "sequence" ("NNNN"), "phone" (E.164), "phone_prefix" (E.164 start), "words" or ""."""

    kind: str
    value: str


def parse(text: str) -> Query:
    text = text.strip()
    if not text:
        return Query("", "")
    upper = text.upper()
    if upper[:1] in "ABCDEF" and "-" in upper:
        return Query("number", upper)
    if match := _DAY_AND_SEQUENCE.match(text):
        return Query("day_sequence", f"{match[1]}-{int(match[2]):04d}")
    if _SEQUENCE.match(text):
        return Query("sequence", f"{int(text):04d}")
    phone = try_normalize(text)
    if phone:
        return Query("phone", phone)
    if prefix := phone_prefix(text):
        return Query("phone_prefix", prefix)
    return Query("words", text)


def phone_prefix(text: str) -> str:
    """The E.164 beginning of a partly typed Chinese number (``1381234`` → ``+861381234``,
    ``010-8888`` → ``+86108888``), or "" if ``text`` is not the start of one."""
    digits = _PHONE_SPELLING.sub("", text)
    if not _DIGITS.match(digits):
        return ""
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("+"):
        return ""  # another country: only whole numbers are searched
    if len(digits) < PHONE_PREFIX_MIN_DIGITS:
        return ""
    national = digits[1:] if digits.startswith("0") else digits  # 010 → +8610 (trunk 0)
    return f"+86{national}" if national[:1] in "123456789" else ""


def _next_string(prefix: str) -> str:
    """The smallest string of digits above every string starting with ``prefix``: the end of
    its range in any collation (only the last digit steps; 9s carry)."""
    head = prefix.rstrip("9")
    return head[:-1] + chr(ord(head[-1]) + 1)


def _recent_days(days: int) -> list[str]:
    today = timezone.localdate()
    return [(today - timedelta(days=n)).strftime("%Y%m%d") for n in range(days)]


def number_candidates(query: Query) -> list[str]:
    """The exact order numbers a day-and-sequence or a bare sequence can stand for."""
    from kefu.tickets.models import CallType

    if query.kind == "day_sequence":
        tails = [query.value]
    elif query.kind == "sequence":
        tails = [f"{day}-{query.value}" for day in _recent_days(SEQUENCE_SEARCH_DAYS)]
    else:
        return []
    codes = CallType.objects.order_by("code").values_list("code", flat=True)
    return [f"{code}-{tail}" for code in codes for tail in tails]


def search(qs: TicketQuerySet, text: str) -> TicketQuerySet:
    """An order number or part of it, a phone number or its beginning, or words."""
    query = parse(text)
    if query.kind == "number":
        if connection.vendor == "sqlite":
            # SQLite's LIKE ignores case, so it cannot use the index on number and a number
            # with fewer than a page of matches scans every order; a range uses the index
            # (numbers are ASCII: every character sorts below \x7f).
            return qs.filter(number__gte=query.value, number__lt=query.value + "\x7f")
        return qs.filter(number__startswith=query.value)
    if query.kind in ("day_sequence", "sequence"):
        return qs.filter(number__in=number_candidates(query))
    if query.kind == "phone":
        return qs.filter(contact_phone=query.value)
    if query.kind == "phone_prefix":
        # A range, not LIKE: it walks the (contact_phone, received_at) index on SQLite and on
        # PostgreSQL alike, whatever the column's collation.
        return qs.filter(
            contact_phone__gte=query.value, contact_phone__lt=_next_string(query.value)
        )
    if query.kind == "words":
        return keyword_search(qs, query.value)
    return qs


def keyword_filter(text: str) -> Q | None:
    """Orders containing every word of ``text``; None when the text has no word at all."""
    terms = words(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        # A plain predicate on the stored word vector (migration 0006), not "id IN (…)": the
        # planner then weighs its GIN index against walking the newest rows first.
        sql = '"tickets_ticket"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)'
        return Q(RawSQL(sql, [" & ".join(terms)], output_field=BooleanField()))  # noqa: S611
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{term}"' for term in terms)
        sql = "SELECT rowid FROM tickets_search WHERE tickets_search MATCH %s"
        return Q(pk__in=RawSQL(sql, [match]))  # noqa: S611 - bound parameter
    # Another database: correct but unindexed.
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return condition


def keyword_search(qs: TicketQuerySet, text: str) -> TicketQuerySet:
    condition = keyword_filter(text)
    return qs if condition is None else qs.filter(condition)
