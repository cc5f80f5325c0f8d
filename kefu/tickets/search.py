"""Keyword search over work orders through the database's word index (migration 0004)."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from kefu.lib.segment import words
from kefu.tickets.models.ticket import TicketQuerySet


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
