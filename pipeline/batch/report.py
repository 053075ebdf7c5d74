"""The batch report: OUTDIR/report.csv (for scripts and spreadsheets) and OUTDIR/report.html
(for a person), one row per input of the run, written atomically."""
from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from ..errors import printable
from ..export.atomic import write_text
from ..export.csvsafe import guard_cell

REPORT_CSV = "report.csv"
REPORT_HTML = "report.html"
COLUMNS = ["input", "status", "outputs", "pages", "targets", "breakdown", "mean_confidence", "low_confidence",
           "seconds", "error", "notes"]


def report_row(path: str, status: str, entry) -> dict:
    """status: done, skipped (unchanged since the last run), failed or not run; entry: the
    manifest row (None for an input a stopped run had not registered yet)."""
    if entry is None:
        return refused_row(path, "") | {"status": status, "error": ""}
    ok = status in ("done", "skipped")
    outputs = (entry.outputs or {}) if ok else {}
    return {
        "input": printable(path), "status": status,
        "outputs": printable(" ".join(outputs[f] for f in sorted(outputs))),
        "pages": entry.pages if ok else None,
        "targets": entry.targets if ok else None,
        "breakdown": entry.breakdown if ok else None,
        "mean_confidence": entry.mean_confidence if ok else None,
        "low_confidence": entry.low_confidence if ok else None,
        "seconds": entry.seconds if status in ("done", "failed") else None,
        "error": printable(entry.error or "") if status == "failed" else "",
        "notes": printable("; ".join(entry.notes or [])) if ok else "",
    }


def refused_row(path: str, error: str) -> dict:
    """An input the batch refused before reading it (pipeline.batch.inputs)."""
    return {"input": printable(path), "status": "failed", "outputs": "", "pages": None, "targets": None,
            "breakdown": None, "mean_confidence": None, "low_confidence": None, "seconds": None,
            "error": printable(error), "notes": ""}


def write_reports(outdir: Path, rows: list[dict], summary: dict) -> tuple[Path, Path]:
    return (write_text(outdir / REPORT_CSV, report_csv(rows)),
            write_text(outdir / REPORT_HTML, report_html(rows, summary)))


def report_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in rows:   # file names and messages are guarded against formula injection
        w.writerow({k: guard_cell(row.get(k)) for k in COLUMNS})
    return buf.getvalue()


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}.summary span{display:inline-block;margin-right:1.5em;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #ddd;padding:.35em .6em;
text-align:left;vertical-align:top}th{background:#f3f3f3;position:sticky;top:0}td.n{text-align:right}
tr.failed td{background:#fdecea}tr.skipped td{color:#666}.status{font-weight:600}
tr.failed .status{color:#b3261e}tr.done .status{color:#1e7b34}.low{color:#b3261e;font-weight:600}
"""


def _num(v, digits=None) -> str:
    if v is None or v == "":
        return ""
    return f"{v:.{digits}f}" if digits is not None else str(v)


def report_html(rows: list[dict], summary: dict) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c.replace('_', ' '))}</th>" for c in COLUMNS)
    body = []
    for r in rows:
        low = r.get("low_confidence")
        conf = r.get("mean_confidence")
        cells = [
            f"<td>{e(r['input'])}</td>", f"<td class=status>{e(r['status'])}</td>",
            f"<td>{e(r['outputs'] or '')}</td>", f"<td class=n>{_num(r['pages'])}</td>",
            f"<td class=n>{_num(r['targets'])}</td>", f"<td class=n>{_num(r['breakdown'])}</td>",
            f"<td class=n>{_num(conf, 3)}</td>",
            f"<td class=\"n{' low' if low else ''}\">{_num(low)}</td>",
            f"<td class=n>{_num(r['seconds'], 1)}</td>", f"<td>{e(r['error'] or '')}</td>",
            f"<td>{e(r.get('notes') or '')}</td>",
        ]
        body.append(f"<tr class={e(r['status'])}>{''.join(cells)}</tr>")
    counts = "".join(f"<span>{e(k)}: {v}</span>" for k, v in summary.items())
    return (f"<!DOCTYPE html>\n<html lang=vi><head><meta charset=utf-8><title>sohoa batch report</title>"
            f"<style>{_CSS}</style></head><body>\n<h1>sohoa batch report</h1>\n<p class=summary>{counts}</p>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) +
            "\n</tbody></table>\n<p>Low confidence: words restoration was unsure of; check them against the scan "
            "(<code>sohoa process --review</code> highlights them in the DOCX).</p>\n</body></html>\n")
