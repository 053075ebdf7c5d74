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

from ..model import Plan, RestoredText, Source
from .closing import find_recipients, read_recipients
from .header import parse_header, parse_signature
from .layout import Block, Line, build_blocks, mark_furniture, repair_line
from .outline import build_outline
from .parts import collect_assignments, collect_goals, collect_targets, collect_tasks, to_sections
from .references import find_references
from .summary import find_theme, infer_locality, infer_year

__all__ = ["parse_plan", "parse_text"]


def parse_plan(restored: RestoredText, source: Source) -> Plan:
    """The plan in restored text."""
    return _parse([line.text for line in restored.lines], source, legacy=restored.condition == "legacy")


def parse_text(text: str, source: Source | None = None) -> Plan:
    """The plan in a string of clean text (for tests and for callers that skip restoration)."""
    source = source or Source(path="<text>", sha256="0" * 64, kind="text", pages=1)
    return _parse(text.split("\n"), source)


def _parse(texts: list[str], source: Source, *, legacy: bool = False) -> Plan:
    lines = [Line(i + 1, repair_line(t)) for i, t in enumerate(texts)]
    mark_furniture(lines)
    plan = Plan(source=source)
    head = parse_header(lines)
    plan.header, plan.title = head.header, head.title
    recipients_at = find_recipients(lines, head.body_start)
    signer, signer_title, signature = parse_signature(lines, head.body_start, len(lines))
    plan.header.signer, plan.header.signer_title = signer, signer_title
    body_end = len(lines)
    if recipients_at is not None:
        body_end = recipients_at
    elif signature:
        body_end = min(signature)
    blocks = build_blocks(lines, head.body_start, body_end)
    root, preamble = build_outline(blocks)

    body_text = "\n".join(b.text for b in blocks)
    plan.year = infer_year(plan.title, plan.header, body_text)
    plan.locality = infer_locality(plan.header, plan.title, body_text)
    plan.theme = find_theme(body_text)

    plan.targets = collect_targets(root, legacy=legacy)
    plan.sections = to_sections(root)
    plan.goals = collect_goals(root)
    plan.tasks = collect_tasks(root)
    plan.assignments = collect_assignments(root, plan.year)

    cited = list(blocks)
    if plan.title and head.title_line:
        title_block = Block(marker=None, text="")
        title_block.append(plan.title, head.title_line)
        cited.insert(0, title_block)
    plan.references = find_references(cited, own_number=plan.header.number)
    if recipients_at is not None:
        plan.recipients = read_recipients(lines, recipients_at, len(lines), signature)
    return plan
