"""Deadlines as plans write them, read to ISO 8601: a day ("30/6/2026", "ngày 23 tháng 1"), a
month ("Tháng 02/2026", "tháng 10 năm 2026"), a quarter ("Quý III/2026"), a half year ("6 tháng
đầu năm 2026"), a year ("Năm 2026", "cuối năm 2026").

A deadline is the end of the period it names: "Quý III/2026" is due by "2026-09", "6 tháng đầu
năm" by June, "Tháng 3 - 6/2026" by June; the precision is kept (a month stays "YYYY-MM", it is
not turned into a day). A period without its year takes the year of the text after it ("tháng
3 đến tháng 6/2026") or the year given (a table column's "(Năm 2026)", the plan's year).
"Thường xuyên", "hằng năm" and the like are no deadline (None).
"""
from __future__ import annotations

import re

from .text import fold, iso_date

_ROMAN_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_LOOKALIKE = str.maketrans({"l": "i", "1": "i", "|": "i"})     # OCR: "Quý II1/2026" is Quý III
_YEAR = r"((?:19|20)\d{2})"
_SEP = r"\s*(?:/|-|\.|nam)\s*"
_PATTERNS = [
    # 23/1/2026, 23-01-2026, 23.1.2026; "ngày 23 tháng 1 năm 2026"; "23/1" (year from context)
    ("day", re.compile(r"(?<![\d/])(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*" + _YEAR + r")?(?![\d/])")),
    ("day", re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|/)\s*" + _YEAR + r")?")),
    ("quarter", re.compile(r"quy\s+([il1|]v|[il1|]{1,3}|[2-4])(?![\w])(?:" + _SEP + _YEAR + r")?")),
    ("half", re.compile(r"6\s+thang\s+(dau|cuoi)\s+nam(?:\s+" + _YEAR + r")?")),
    ("month", re.compile(r"thang\s+(\d{1,2})(?![\d])(?:" + _SEP + _YEAR + r")?")),
    ("yearend", re.compile(r"(?:cuoi|het)\s+nam(?:\s+" + _YEAR + r")?")),
    ("year", re.compile(r"(?<![\d/])nam\s+" + _YEAR + r"(?![\d])|^\s*" + _YEAR + r"\s*$")),
]


def read_periods(text: str) -> list[tuple[int, int, str, tuple]]:
    """Every period named in `text`: (start, end, kind, groups), in order, not overlapping."""
    folded = fold(text)
    found: list[tuple[int, int, str, tuple]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(folded):
            if any(s < m.end() and m.start() < e for s, e, _, _ in found):
                continue
            found.append((m.start(), m.end(), kind, m.groups()))
    found.sort()
    return found


def period_iso(kind: str, groups: tuple, year: int | None) -> str | None:
    def y(value):
        return int(value) if value else year
    if kind == "day":
        d, m, yy = groups
        yy = y(yy)
        return iso_date(d, m, yy) if yy else None
    if kind == "month":
        m, yy = int(groups[0]), y(groups[1])
        return f"{yy:04d}-{m:02d}" if yy and 1 <= m <= 12 else None
    if kind == "quarter":
        written = groups[0] if groups[0] in _ROMAN_QUARTER else groups[0].translate(_ROMAN_LOOKALIKE)
        q, yy = _ROMAN_QUARTER.get(written), y(groups[1])
        if q is None:
            return None
        return f"{yy:04d}-{3 * q:02d}" if yy else None
    if kind == "half":
        yy = y(groups[1])
        return f"{yy:04d}-{6 if groups[0] == 'dau' else 12:02d}" if yy else None
    if kind == "yearend":
        yy = y(groups[0])
        return f"{yy:04d}-12" if yy else None
    if kind == "year":
        yy = groups[0] or groups[1]
        return f"{int(yy):04d}" if yy else None
    return None


def deadline_of(text: str, year: int | None = None) -> str | None:
    """The deadline a cell or a phrase names: the end of its last period (ISO), or None."""
    periods = read_periods(text)
    if not periods:
        return None
    last = periods[-1]
    known_year = year
    for _, _, kind, groups in periods:
        ys = [g for g in groups if g and len(g) == 4 and g.isdigit()]
        if ys:
            known_year = int(ys[-1])
    # a period without a year takes the year written later in the text ("tháng 3 đến tháng 6/2026")
    return period_iso(last[2], last[3], known_year)


def period_at(folded: str, at: int, year: int | None = None) -> str | None:
    """The period that starts right at `at` in folded text (after a cue such as "trước"), ISO."""
    found = read_periods(folded[at:at + 60])
    if found and not folded[at:at + found[0][0]].strip():
        _, _, kind, groups = found[0]
        return period_iso(kind, groups, year)
    return None
