"""parse: RestoredText -> Plan (sohoa.plan/1).

    lines ──layout──▶ blocks ──outline──▶ sections ──parts──▶ targets, goals, tasks, assignments
      └──header──▶ issuer, number, place, date, type, title    └──references, closing, summary

One module per concern: `layout` (line repairs, numbering, joining lines into blocks), `header`
(Decree 30 header block and the signature), `outline` (the section tree and what each part is
for), `targets`, `assignments` (spaCy), `references`, `closing` (recipients), `summary` (year,
locality, theme). Vocabulary comes from the data files in dictionaries/ (see `lexicon`).
Every extracted item records the 1-based input line it came from.
"""
from __future__ import annotations

import re

from ..model import Plan, RestoredLine, RestoredText, Source, Table
from ..restore.tokens import ETH_TO_D
from .annex import find_annex
from .closing import find_recipients, read_recipients
from .columns import PageWords
from .header import find_signature, parse_header
from .header_fields import in_field_order, respell_names
from .layout import Block, Line, build_blocks, mark_furniture, read_marker, repair_line
from .outline import build_outline, section_kinds
from .parts import collect_assignments, collect_goals, collect_targets, collect_tasks, to_sections
from .references import find_references
from .summary import find_theme, infer_locality, infer_year
from .table_items import data_rows, merge_restated, table_assignments, table_targets
from .tables import place_tables

__all__ = ["parse_plan", "parse_text"]


def parse_plan(restored: RestoredText, source: Source) -> Plan:
    """The plan in restored text. Where its words have boxes (scans, PDF text layers), the
    header and the signature are read by layout (columns.py, header_layout.py)."""
    texts = [as_parsed(line) for line in restored.lines]
    pages = PageWords.from_restored(restored, texts) if any(line.boxes for line in restored.lines) else None
    return _parse(texts, source, legacy=restored.condition == "legacy",
                  styles=[line.style for line in restored.lines], tables=restored.tables, pages=pages)


_NUMBER_LIKE = re.compile(r"\d{2,}(?:[.,]\d+)*|\d+(?:[.,]\d+)+")   # one digit may be a letter ("6" ở)
_CODE_LIKE = re.compile(r"(?=.*\d)(?=.*[^\W\d_])\S*[/\-]\S*")


def as_parsed(line: RestoredLine) -> str:
    """A restored line as the parser reads it: restored words, but what is not language as OCR
    read it, where restoration rewrote it - numbers ("14"), document numbers ("09-HD/DU"),
    and the numbering that opens a line ("C-" made "CÁ-", "V." made "Vi.")."""
    tokens = line.tokens
    if not tokens or not any(t.changed for t in tokens):
        return line.text
    pieces, pos = [], 0
    for t in tokens:
        pieces.append((line.original[pos:t.start], t))
        pos = t.end
    if "".join(gap + t.text for gap, t in pieces) + line.original[pos:] != line.text:
        return line.text                # tokens do not map onto the line: keep it as restored
    marker_end = -1
    found = read_marker(line.original, after_break=True)
    if found:
        again = read_marker(line.text, after_break=True)
        if again is None or again[0].label != found[0].label:
            marker_end = found[1]
    out = []
    for gap, t in pieces:
        keep_ocr = t.changed and (t.start < marker_end or _NUMBER_LIKE.fullmatch(t.original)
                                  or _CODE_LIKE.fullmatch(t.original))
        out.append(gap + (t.original.translate(ETH_TO_D) if keep_ocr else t.text))
    return "".join(out) + line.original[pos:]


def parse_text(text: str, source: Source | None = None, *, tables: list[Table] | None = None) -> Plan:
    """The plan in a string of clean text (for tests and for callers that skip restoration);
    `tables` as a source gave them (model.Table with the line of their first row)."""
    source = source or Source(path="<text>", sha256="0" * 64, kind="text", pages=1)
    return _parse(text.split("\n"), source, tables=tables or [])


def _parse(texts: list[str], source: Source, *, legacy: bool = False, styles: list | None = None,
           tables: list[Table] | None = None, pages: dict | None = None) -> Plan:
    lines = [Line(i + 1, repair_line(t), style=styles[i] if styles else None) for i, t in enumerate(texts)]
    lines, found = place_tables(lines, tables or [])
    mark_furniture(lines)
    plan = Plan(source=source)
    head = parse_header(lines, pages)
    plan.header, plan.title = head.header, head.title
    recipients_at = find_recipients(lines, head.body_start)
    annex_at = find_annex(lines, recipients_at if recipients_at is not None else head.body_start,
                          closing_found=recipients_at is not None)
    end = annex_at if annex_at is not None else len(lines)
    sign = find_signature(lines, head.body_start, end, pages, skip=head.used)
    signature = sign.lines
    plan.header.signer, plan.header.signer_title, plan.header.authority = sign.signer, sign.title, sign.authority
    # a document that closes with Nơi nhận, or whose signature was partly read, is signed: a
    # name or a title that could not be read is to be checked, like one read with doubt
    missing = [f for f in ("signer", "signer_title") if not getattr(plan.header, f)] \
        if recipients_at is not None or sign.signer or sign.title else []
    plan.header.unsure = in_field_order(plan.header.unsure + sign.unsure + missing)
    body_end = end
    if recipients_at is not None:
        body_end = recipients_at
    elif signature:
        body_end = min(signature)
    blocks = build_blocks(lines, head.body_start, body_end)
    root, preamble = build_outline(blocks)
    plan.tables = [f.table for f in found]

    body_text = "\n".join(b.text for b in blocks)
    respell_names(plan.header, body_text)
    plan.year = infer_year(plan.title, plan.header, body_text)
    plan.locality = infer_locality(plan.header, plan.title, body_text)
    plan.theme = find_theme(body_text)

    annex = None
    if annex_at is not None:
        annex_blocks = build_blocks(lines, annex_at, len(lines))
        annex, annex_head = build_outline(annex_blocks)
        annex.kinds = section_kinds(" ".join(b.text for b in annex_head if b.heading)[:200])

    plan.targets = collect_targets(root, legacy=legacy) + (collect_targets(annex, legacy=legacy) if annex else [])
    plan.sections = to_sections(root)
    plan.goals = collect_goals(root)
    plan.tasks = collect_tasks(root)
    plan.assignments = collect_assignments(root, plan.year) + (collect_assignments(annex, plan.year) if annex else [])
    # Tables: task rows are assignments, indicator rows targets; a target the body states and a
    # table restates is one target with both places.
    rows = data_rows(found)
    from_tables = [t for k, f in enumerate(found) for t in table_targets(f, rows[k], legacy=legacy)]
    plan.targets = merge_restated(plan.targets, from_tables)
    plan.assignments = sorted(plan.assignments + [a for k, f in enumerate(found)
                                                  for a in table_assignments(f, rows[k], plan.year)],
                              key=lambda a: a.line or 0)

    cited = list(blocks)
    if plan.title and head.title_line:
        title_block = Block(marker=None, text="")
        title_block.append(plan.title, head.title_line)
        cited.insert(0, title_block)
    plan.references = find_references(cited, own_number=plan.header.number)
    if recipients_at is not None:
        plan.recipients = read_recipients(lines, recipients_at, end, signature, cut=sign.cut)
    return plan
