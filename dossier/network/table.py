"""The network as table rows: the accessible equivalent of a drawing."""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..text import fold
from .graph import RELATION_ORDER

# Tables and exports -------------------------------------------------------------


def edge_rows(G: nx.MultiDiGraph) -> list[dict[str, str]]:
    """The edges as table rows, the accessible equivalent of the SVG.

    Each row: ``source_key``, ``source_title``, ``relation``, ``label``,
    ``target_key``, ``target_title``, and also ``source_kind``,
    ``target_kind``, ``source_url``, ``target_url``, ``role`` and
    ``dates``. Sorted by source title, relation, target title (then keys).
    """
    rows = []
    for u, v, _k, d in G.edges(keys=True, data=True):
        su, sv = G.nodes[u], G.nodes[v]
        rows.append(
            {
                "source_key": u,
                "source_title": str(su.get("title", u)),
                "source_kind": str(su.get("kind", "")),
                "source_url": str(su.get("url", "")),
                "relation": str(d.get("relation", "")),
                "label": str(d.get("label", d.get("relation", ""))),
                "role": str(d.get("role", "") or ""),
                "dates": str(d.get("dates", "") or ""),
                "target_key": v,
                "target_title": str(sv.get("title", v)),
                "target_kind": str(sv.get("kind", "")),
                "target_url": str(sv.get("url", "")),
            }
        )
    rows.sort(
        key=lambda r: (
            fold(r["source_title"]),
            r["source_key"],
            RELATION_ORDER.get(r["relation"], 99),
            fold(r["target_title"]),
            r["target_key"],
            r["dates"],
            r["role"],
        )
    )
    return rows


def mention_groups(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The ``mention`` rows of :func:`edge_rows` gathered by the page that
    mentions: one item per page, in the rows' order, with ``source_title``,
    ``source_url``, ``source_key`` and ``targets`` (each ``title``, ``url``,
    ``key``, in the rows' order). Five hundred mentions are a hundred lines
    instead of five hundred rows."""
    out: list[dict[str, Any]] = []
    for r in rows:
        if r["relation"] != "mention":
            continue
        if not out or out[-1]["source_key"] != r["source_key"]:
            out.append({"source_key": r["source_key"], "source_title": r["source_title"], "source_url": r["source_url"], "targets": []})
        out[-1]["targets"].append({"key": r["target_key"], "title": r["target_title"], "url": r["target_url"]})
    return out
