"""Standard phrases (常用语) for the text boxes of the order page and the intake form.

The active phrases are read once per process into a ``MemorySnapshot`` (a save or delete in this
process drops it; other processes follow within ``max_age``), so a page with many move boxes
reads them at most once, and usually not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.core.snapshot import MemorySnapshot
from kefu.kb.choices import MOVE_PHRASE_KINDS, PhraseKind
from kefu.kb.models import Phrase
from kefu.tickets.models import CallType


@dataclass(frozen=True)
class PhraseRow:
    kind: str
    call_type_id: int | None
    call_type_code: str  # "" for every call type
    title: str
    text: str

    @property
    def kind_label(self) -> str:
        return str(PhraseKind(self.kind).label)


def _take() -> tuple[PhraseRow, ...]:
    return tuple(
        PhraseRow(
            kind=p.kind,
            call_type_id=p.call_type_id,
            call_type_code=p.call_type.code if p.call_type else "",
            title=p.title,
            text=p.text,
        )
        for p in Phrase.objects.filter(is_active=True).select_related("call_type")
    )


_holder = MemorySnapshot("kb-phrases", _take, [Phrase, CallType], max_age=60)
invalidate = _holder.invalidate


def phrases_of(kinds: tuple[str, ...], call_type_id: int | None = None) -> list[PhraseRow]:
    """The active phrases of these kinds, in order; with a call type, only its own and the
    general ones; without, all of them (the intake form filters by the chosen type)."""
    return [
        row
        for row in _holder.current()
        if row.kind in kinds and (call_type_id is None or row.call_type_id in (None, call_type_id))
    ]


def phrases_for_move(move: str, call_type_id: int | None) -> list[PhraseRow]:
    kind = MOVE_PHRASE_KINDS.get(move)
    return phrases_of((kind,), call_type_id) if kind else []
