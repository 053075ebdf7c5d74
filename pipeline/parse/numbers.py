"""Vietnamese numbers as plans write them, and as OCR leaves them.

Vietnamese groups thousands with "." and writes the decimal mark as "," (`6.832.510.000`,
`10,2 %`). OCR and typists break this (`2.32 %`, `1,600 hộ`), so one separator is read from its
context: how many digits follow it, and what the unit allows (a count of households is a whole
number; a percentage rarely exceeds 100).
"""
from __future__ import annotations

import re

# A number as written: digit groups joined by "." or ",", possibly one space after a thousands
# separator that OCR inserted ("58. 000").
NUMBER = r"\d+(?:[.,]\s?\d+)*"
NUMBER_RX = re.compile(NUMBER)


def parse_number(raw: str, unit_kind: str | None = None) -> int | float | None:
    """The value of a number written the Vietnamese way, deciding "." and "," from context."""
    s = re.sub(r"\s+", "", raw)
    if not s or not s[0].isdigit():
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        # Both: the one that comes last is the decimal mark ("6.832.510,5"; "1,234.5").
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        return _value(s.replace(grp, ""), dec)
    sep = "." if dots else "," if commas else None
    if sep is None:
        return int(s)
    groups = s.split(sep)
    if len(groups) > 2:
        # Several of one mark group thousands, when every group after the first has 3 digits.
        if all(len(g) == 3 for g in groups[1:]):
            return int("".join(groups))
        return None
    head, tail = groups
    if not head or not tail:
        return None
    if len(tail) != 3 or head == "0":
        return _value(s, sep)          # "2.32", "10,2", "0.850": only a decimal mark fits
    # Exactly three digits after one mark: a thousands group or a decimal part.
    grouped = int(head + tail)
    if unit_kind == "percent":
        return grouped if grouped <= 100 else _value(s, sep)
    if sep == ".":
        return grouped                 # Vietnamese: "1.600 hộ", "4.850 tấn"
    # "," with three digits: a decimal in Vietnamese, but a count cannot be fractional.
    return grouped if unit_kind == "count" else _value(s, sep)


def _value(s: str, dec: str) -> int | float | None:
    try:
        return float(s.replace(dec, ".")) if dec in s else int(s)
    except ValueError:
        return None


def tidy(value: int | float | None) -> int | float | None:
    """Whole floats from a count become ints; others keep their decimals."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return value
    return value
