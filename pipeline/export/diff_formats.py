"""The diff of two plans (diff.py) written as JSON, Markdown, CSV or a self-contained HTML page.

- json: the diff contract of DESIGN.md, as is;
- md:   a summary line, the table of changes, the sections added and removed, the assignments
        added, removed or rescheduled;
- csv:  one row per change (the contract's columns first), numbers as plain decimals, for
        spreadsheets and scripts; sections are not rows here (they are in json, md and html);
- html: one page with the table, coloured by kind of change, that an analyst can open offline.
md and html write numbers the Vietnamese way (6.832.510.000; 10,2 %), like the plans themselves.
"""
from __future__ import annotations

import csv
import html
import io
import json

DIFF_FORMATS = ("md", "json", "csv", "html")
CSV_COLUMNS = ["indicator", "unit", "old", "new", "delta", "pct", "change", "number", "parent",
               "old_indicator", "old_number", "old_unit", "old_max", "new_max", "similarity"]


def render(diff: dict, fmt: str) -> str:
    return {"md": to_markdown, "json": to_json, "csv": to_csv, "html": to_html}[fmt](diff)


# ---------------------------------------------------------------------------------- numbers

def vn_number(v, *, sign: bool = False) -> str:
    """1234567.5 -> '1.234.567,5' (dot groups thousands, comma is the decimal mark)."""
    if v is None:
        return ""
    v = float(v)
    text = f"{abs(v):,.6f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    out = whole.replace(",", ".") + ("," + frac if frac else "")
    if v < 0:
        return "-" + out
    return ("+" + out) if sign and v > 0 else out


def _value(entry: dict, side: str) -> str:
    """A value as the plan wrote it: with its range, and with its unit when the unit changed."""
    v = entry.get(side)
    if v is None:
        return ""
    text = vn_number(v)
    vmax = entry.get(f"{side}_max")
    if vmax is not None:
        text += "–" + vn_number(vmax)
    if side == "old" and entry.get("old_unit") and entry["old_unit"] != entry.get("unit") and entry.get("new") is not None:
        text += " " + entry["old_unit"]
    return text


def _pct(p) -> str:
    return "" if p is None else vn_number(p, sign=True) + " %"


def _label(doc: dict) -> str:
    year = f" ({doc['year']})" if doc.get("year") else ""
    return f"{doc.get('document') or doc.get('source') or '?'}{year}"


def _indicator(entry: dict) -> str:
    text = entry["indicator"] or ""
    old = entry.get("old_indicator")
    if old and entry["change"] in ("changed", "unchanged") and old != entry["indicator"]:
        text += f" (was: {old})"
    return text


def _with_headings(changes: list[dict]):
    """Each change, with the name of its parent target when that is not the row just above
    (a target with no value of its own is not a change, but its items need it as a heading)."""
    above = None
    for c in changes:
        parent = c.get("parent")
        heading = parent if parent and parent != above else None
        if parent is None:
            above = c.get("indicator")
        elif heading:
            above = parent
        yield c, heading


def _summary(diff: dict) -> str:
    s = diff.get("summary") or {}
    return ", ".join(f"{s.get(k, 0)} {k}" for k in ("changed", "unchanged", "added", "removed"))


# ---------------------------------------------------------------------------------- formats

def to_json(diff: dict) -> str:
    return json.dumps(diff, ensure_ascii=False, indent=2) + "\n"


def to_csv(diff: dict) -> str:
    """One row per change; text cells guarded against formula injection (export.csvsafe)."""
    from .csvsafe import guard_cell

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for c in diff["changes"]:
        w.writerow({k: guard_cell(c.get(k)) for k in CSV_COLUMNS})
    return buf.getvalue()


def _md_cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(diff: dict) -> str:
    old, new = diff["old"], diff["new"]
    y_old, y_new = old.get("year") or "old", new.get("year") or "new"
    lines = [f"# Targets: {_md_cell(_label(old))} → {_md_cell(_label(new))}", "", _summary(diff) + ".", ""]
    if diff["changes"]:
        lines += [f"| # | Indicator | Unit | {y_old} | {y_new} | Δ | % | Change |",
                  "|---|---|---|---:|---:|---:|---:|---|"]
        for c, heading in _with_headings(diff["changes"]):
            if heading:
                lines.append(f"|  | *{_md_cell(heading)}* |  |  |  |  |  |  |")
            number = "" if c.get("parent") else (c.get("number") if c.get("number") is not None else "")
            name = ("↳ " if c.get("parent") else "") + _indicator(c)
            lines.append("| " + " | ".join(_md_cell(x) for x in (
                number, name, c.get("unit") or "", _value(c, "old"), _value(c, "new"),
                vn_number(c.get("delta"), sign=True), _pct(c.get("pct")), c["change"])) + " |")
    else:
        lines.append("No targets in either plan.")
    sections = diff.get("sections") or []
    lines += ["", "## Sections", ""]
    if sections:
        for s in sections:
            lines.append(f"- {s['change']}: {_md_cell(s.get('path') or s.get('number') or '')}. {_md_cell(s.get('title') or '')}")
    else:
        lines.append("No section added or removed.")
    lines += ["", "## Assignments", ""]
    moved = diff.get("assignments") or []
    if moved:
        for a in moved:
            when = f" (deadline {a.get('old_deadline') or '-'} → {a.get('new_deadline') or '-'})" \
                if a["change"] == "changed" else ""
            lines.append(f"- {a['change']}: {_md_cell(a['assignee'])}: {_md_cell(a.get('responsibility') or '')}{when}")
    else:
        lines.append("No assignment added, removed or rescheduled.")
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;color:#222;max-width:80em}
h1{font-size:1.35em}h2{font-size:1.1em;margin-top:2em}.docs{color:#555}
.badge{display:inline-block;padding:.15em .6em;border-radius:1em;margin-right:.5em;font-weight:600;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #ddd;padding:.35em .6em;vertical-align:top}
th{background:#f3f3f3;text-align:left;position:sticky;top:0}td.n{text-align:right;white-space:nowrap}
td.sub{padding-left:2em}.was{color:#777;font-size:.9em}
tr.changed td.k,.badge.changed{background:#fff4d6}tr.added td.k,.badge.added{background:#e3f5e1}
tr.removed td.k,.badge.removed{background:#fde3e1}tr.unchanged td.k,.badge.unchanged{background:#eee}
tr.removed td{color:#8a1c12}.up{color:#1e7b34}.down{color:#b3261e}
"""


def to_html(diff: dict) -> str:
    e = html.escape
    old, new = diff["old"], diff["new"]
    y_old, y_new = old.get("year") or "old", new.get("year") or "new"
    s = diff.get("summary") or {}
    badges = " ".join(f"<span class='badge {k}'>{s.get(k, 0)} {k}</span>"
                     for k in ("changed", "unchanged", "added", "removed"))
    rows = []
    for c, heading in _with_headings(diff["changes"]):
        if heading:
            rows.append(f"<tr class=heading><td></td><td colspan=7><em>{e(heading)}</em></td></tr>")
        sub = bool(c.get("parent"))
        name = e(c["indicator"] or "")
        if c.get("old_indicator") and c["change"] in ("changed", "unchanged") and c["old_indicator"] != c["indicator"]:
            name += f"<br><span class=was>was: {e(c['old_indicator'])}</span>"
        delta = c.get("delta")
        trend = "" if not delta else (" up" if delta > 0 else " down")
        number = "" if sub or c.get("number") is None else e(str(c["number"]))
        rows.append(
            f"<tr class={c['change']}><td>{number}</td><td class='{'sub' if sub else ''}'>{name}</td>"
            f"<td>{e(c.get('unit') or '')}</td><td class=n>{e(_value(c, 'old'))}</td><td class=n>{e(_value(c, 'new'))}</td>"
            f"<td class='n{trend}'>{e(vn_number(delta, sign=True))}</td><td class='n{trend}'>{e(_pct(c.get('pct')))}</td>"
            f"<td class=k>{c['change']}</td></tr>")
    sections = diff.get("sections") or []
    sec_html = ("<ul>" + "".join(f"<li><span class='badge {x['change']}'>{x['change']}</span>"
                                 f"{e(x.get('path') or x.get('number') or '')}. {e(x.get('title') or '')}</li>"
                                 for x in sections) + "</ul>") if sections else "<p>No section added or removed.</p>"
    moved = diff.get("assignments") or []
    asg_html = ("<ul>" + "".join(
        f"<li><span class='badge {a['change']}'>{a['change']}</span><b>{e(a['assignee'])}</b>: "
        f"{e(a.get('responsibility') or '')}"
        + (f" <span class=was>(deadline {e(a.get('old_deadline') or '-')} → {e(a.get('new_deadline') or '-')})</span>"
           if a["change"] == "changed" else "") + "</li>" for a in moved) + "</ul>") \
        if moved else "<p>No assignment added, removed or rescheduled.</p>"
    table = (f"<table><thead><tr><th>#</th><th>Indicator</th><th>Unit</th><th>{e(str(y_old))}</th>"
             f"<th>{e(str(y_new))}</th><th>Δ</th><th>%</th><th>Change</th></tr></thead><tbody>\n"
             + "\n".join(rows) + "\n</tbody></table>") if rows else "<p>No targets in either plan.</p>"
    return (f"<!DOCTYPE html>\n<html lang=vi><head><meta charset=utf-8>"
            f"<title>sohoa diff: {e(_label(old))} → {e(_label(new))}</title><style>{_CSS}</style></head><body>\n"
            f"<h1>Targets: {e(_label(old))} → {e(_label(new))}</h1>\n"
            f"<p class=docs>{e(old.get('title') or '')}<br>{e(new.get('title') or '')}</p>\n"
            f"<p>{badges}</p>\n{table}\n<h2>Sections</h2>\n{sec_html}\n<h2>Assignments</h2>\n{asg_html}\n"
            "<p class=docs>Targets are matched across the two plans by indicator, unit and value; Δ and % are in "
            "the newer plan's unit.</p>\n</body></html>\n")
