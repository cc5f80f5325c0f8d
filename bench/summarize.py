"""Print markdown tables of bench/results/*.json (pasted into bench/results/README.md).

.venv/bin/python bench/summarize.py bench/results/2026-11-24-*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def cell(r: dict[str, Any] | None) -> str:
    if not r or "p50_ms" not in r:
        return "—"
    capped = "*" if r.get("capped") else ""
    return f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}{capped}"


def main(paths: list[str]) -> None:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    labels = [r["label"] for r in runs]
    print("| read (p50 / p95 ms) | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(runs))
    names: list[str] = []
    for r in runs:
        names += [n for n in r.get("reads", {}) if n not in names]
    for name in names:
        print(f"| {name} | " + " | ".join(cell(r.get("reads", {}).get(name)) for r in runs) + " |")
    print()
    by_kind = ("phone", "number prefix", "full number")  # the value differs per database

    def find(r: dict[str, Any], scope: str, kind: str, q: str) -> tuple[str, Any]:
        items = r.get(scope, {})
        if kind in by_kind:
            for query, v in items.items():
                if v.get("kind") == kind:
                    return query, v
            return q, None
        return q, items.get(q)

    queries: list[tuple[str, str]] = []
    for r in runs:
        for q, v in r.get("search_page", {}).items():
            kind = v.get("kind", "")
            if not any(k == kind and (kind in by_kind or x == q) for k, x in queries):
                queries.append((kind, q))
    print("| search: page · API (p50 / p95 ms) (orders found) | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(runs))
    for kind, q in queries:
        cells = []
        for r in runs:
            query, page = find(r, "search_page", kind, q)
            _, api = find(r, "search_api", kind, q)
            hits = r.get("search_hits", {}).get(query, "")
            cells.append(f"{cell(page)} · {cell(api)} ({hits})")
        shown = "138…" if kind == "phone" else ("A1-…-NNNN" if kind == "full number" else q)
        print(f"| {kind}: `{shown}` | " + " | ".join(cells) + " |")
    mix_cells = []
    for r in runs:
        mix = r.get("search_mix", {})
        page, api = mix.get("page_all") or {}, mix.get("api_all") or {}
        mix_cells.append(
            f"{page.get('p50_ms', '—')} / {page.get('p95_ms', '—')} · "
            f"{api.get('p50_ms', '—')} / {api.get('p95_ms', '—')}"
        )
    print("| all queries, equal weight | " + " | ".join(mix_cells) + " |")
    print()
    print("| writes, 8 clients | threads | bare insert/s (p50 / p95 ms) | create/s (p50 / p95 ms) "
          "| ratio |")  # fmt: skip
    print("|---|---|---|---|---|")
    for r in runs:
        for w in r.get("writes", []):
            if not w["bare"]:
                continue
            bare = " · ".join(
                f"{b['requests_per_s']:.0f} ({b.get('p50_ms', '—')} / {b.get('p95_ms', '—')})"
                for b in w["bare"]
            )
            create = " · ".join(
                f"{c['requests_per_s']:.0f} ({c.get('p50_ms', '—')} / {c.get('p95_ms', '—')})"
                for c in w["create"]
            )
            print(f"| {r['label']} | {w['threads']} | {bare} | {create or '—'} "
                  f"| {w.get('ratio', '—')} |")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
