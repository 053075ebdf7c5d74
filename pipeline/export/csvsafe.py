"""CSV cells that a spreadsheet opens as data, never as a formula.

Every CSV sohoa writes (the batch's report.csv, `sohoa targets`, `sohoa diff --format csv`) may
be opened in Excel or LibreOffice by double-click, and holds text sohoa does not control: file
names, indicators and titles read from documents, plan JSON given by anyone. A cell starting with
`=`, `+`, `-` or `@` is taken for a formula (`=HYPERLINK(...)`, `-2+3+cmd|' /C calc'!A0`), and so
is one starting with a TAB or a carriage return after the spreadsheet strips them (OWASP, "CSV
Injection"). Such text cells get a leading apostrophe, which spreadsheets hide and which tells
them the cell is text. Numbers (JSON numbers, and text that is a plain number such as `-5` or
`+2,5`) are left as they are, so that values stay values.
"""
from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def guard_cell(value) -> str | int | float:
    """The value to write in a CSV cell: "" for None, numbers as they are, text guarded."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    guarded = "'" + text if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text) else text
    # Python's csv module quotes a field for the characters of its line terminator only: with
    # "\n", a bare CR would go out unquoted and end the row for every reader. A CR inside a cell
    # is never data: it becomes the line break it stood for.
    return guarded.replace("\r\n", "\n").replace("\r", "\n")
