"""Targets as data for other tools: one row per target and per breakdown item, across documents.

Columns: document, year, locality, number, indicator, value, value_max, unit, qualifier, parent, line,
previous, source, places. `parent` is the indicator of the target a breakdown item belongs to
(empty for a target); `document` is the source document the plan was made from; `previous` the
earlier period's value a table gives beside the target, `source` "body" or "table" (where it was
first stated), `places` every line it is stated on ("12;58": the body and a Phụ lục's row).
The last three came later and stand last, so that scripts reading the columns by position go on.

- csv:   UTF-8, `,` separators, `.` as the decimal mark (what scripts and databases expect);
- csv --excel: what Excel in a Vietnamese locale opens by double-click: a UTF-8 byte order mark
         (else the diacritics come out garbled), `;` separators (the list separator when `,` is
         the decimal mark), `,` as the decimal mark, CRLF line ends;
- in both CSVs, text that a spreadsheet would take for a formula (starting with = + - @, TAB or
         CR) is guarded with a leading apostrophe (export.csvsafe);
- jsonl: one JSON object per line, numbers as JSON numbers.
"""
from __future__ import annotations

import csv
import io
import json

from ..model import Plan, Target
from .csvsafe import guard_cell

TARGET_COLUMNS = ["document", "year", "locality", "number", "indicator", "value", "value_max", "unit",
                  "qualifier", "parent", "line", "previous", "source", "places"]
TARGET_FORMATS = ("csv", "jsonl")


def _plain(v):
    """Whole floats as ints (58000.0 -> 58000); others kept."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def target_rows(plan: Plan, document: str | None = None) -> list[dict]:
    doc = plan.source.path or document or ""

    def row(t: Target, parent: Target | None) -> dict:
        return {"document": doc, "year": plan.year, "locality": plan.locality, "number": t.number,
                "indicator": t.indicator, "value": _plain(t.value), "value_max": _plain(t.value_max),
                "unit": t.unit, "qualifier": t.qualifier, "parent": parent.indicator if parent else None,
                "line": t.line, "previous": _plain(t.previous), "source": t.source,
                "places": ";".join(str(p.line) for p in t.places if p.line) or None}

    rows = []
    for t in plan.targets:
        rows.append(row(t, None))
        rows.extend(row(b, t) for b in t.breakdown)
    return rows


def to_jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps({k: r.get(k) for k in TARGET_COLUMNS}, ensure_ascii=False) + "\n" for r in rows)


def _excel_cell(key: str, v):
    if key in ("value", "value_max", "previous") and isinstance(v, (int, float)):
        return repr(v).replace(".", ",") if isinstance(v, float) else str(v)
    return guard_cell(v)


def to_csv(rows: list[dict], *, excel: bool = False) -> str:
    buf = io.StringIO()
    if excel:
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        w.writerow(TARGET_COLUMNS)
        for r in rows:
            w.writerow([_excel_cell(k, r.get(k)) for k in TARGET_COLUMNS])
        return "\ufeff" + buf.getvalue()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TARGET_COLUMNS)
    for r in rows:
        w.writerow([guard_cell(r.get(k)) for k in TARGET_COLUMNS])
    return buf.getvalue()


def render_targets(rows: list[dict], fmt: str, *, excel: bool = False) -> str:
    return to_jsonl(rows) if fmt == "jsonl" else to_csv(rows, excel=excel)
