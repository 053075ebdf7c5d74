"""Annexes: what follows the signature. Provincial plans put their task list and their
indicators in a "PHỤ LỤC" after the signature block (often a table, "(Kèm theo Kế hoạch số
.../KH-UBND ngày ...)"). The annex is read like the body - its tables and its items give
targets and assignments - but it is not part of the plan's numbered sections.
"""
from __future__ import annotations

import re

from .layout import Line
from .text import fold, is_upper_text

_ANNEX = re.compile(r"^\s*phu\s+luc\b")
_ANNEX_ALONE = re.compile(r"^\s*phu\s+luc(?:\s+(?:so\s+)?[0-9ivxl]{1,4}[.:]?)?\s*$")


def find_annex(lines: list[Line], after: int, *, closing_found: bool) -> int | None:
    """Index of the first line of the annexes after line index `after`, or None. After the
    closing block ("Nơi nhận", the signature) an annex opens at a "PHỤ LỤC" heading or at a
    table; without a closing block only at a heading that says "PHỤ LỤC" and nothing more
    (or "PHỤ LỤC" in capitals), so that running text mentioning an annex is not cut off."""
    for i in range(after + 1, len(lines)):
        line = lines[i]
        if line.skip or line.blank:
            continue
        folded = fold(line.text)
        heading = bool(_ANNEX.match(folded)) and (is_upper_text(line.text.strip()[:8]) or _ANNEX_ALONE.match(folded))
        if heading and (closing_found or _ANNEX_ALONE.match(folded) or is_upper_text(line.text)):
            return i
        if closing_found and line.table is not None:
            return i
    return None
