"""parse: RestoredText -> Plan (sohoa.plan/1).

First version: the section tree from the numbering (I., 1., 1.1.), the title line and the
recipients block. The full parser (header, targets, assignments, references) replaces it.
"""
from __future__ import annotations

import re

from ..model import Plan, RestoredText, Section, Source

_ROMAN = re.compile(r"^\s*([IVX]{1,4})\s*[.\-–]\s*(.+?)\s*$")
_ARABIC = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.\s+(.*?)\s*$")


def parse_plan(restored: RestoredText, source: Source) -> Plan:
    plan = Plan(source=source)
    lines = [l.text for l in restored.lines]
    top: Section | None = None
    recipients_at = None
    for i, text in enumerate(lines, 1):
        if plan.title is None and text.strip():
            plan.title = text.strip()
        m = _ROMAN.match(text)
        if m:
            top = Section(number=m.group(1), title=m.group(2), line=i)
            plan.sections.append(top)
            continue
        m = _ARABIC.match(text)
        if m and top is not None:
            top.children.append(Section(number=m.group(1), title=m.group(2), line=i))
        if text.strip().lower().startswith("nơi nhận"):
            recipients_at = i
    if recipients_at:
        for text in lines[recipients_at:]:
            item = text.strip().lstrip("-+• ").rstrip(";.,")
            if item:
                plan.recipients.append(item)
    return plan
