"""Numbers and dates written the Vietnamese way, as an administrative document prints them.

Numbers: `.` groups thousands and `,` is the decimal mark (2210 -> `2.210`, 10.2 -> `10,2`).
Dates: Decree 30/2020/NĐ-CP, Appendix I: `Phúc Lộc, ngày 05 tháng 01 năm 2025`; days below 10
and the months 1 and 2 take a leading zero, other months do not (`ngày 15 tháng 3 năm 2025`).
"""
from __future__ import annotations

import re
from datetime import date

# Qualifiers that read after the number ("96,5 % trở lên"); every other one reads before it
# ("giảm còn 3,5", "đạt 95").
_AFTER_QUALIFIERS = {"trở lên", "trở xuống", "trở lại", "trở về trước"}


def format_number(value: float | int | str | None) -> str:
    """2210 -> '2.210', 10.2 -> '10,2', 6832510000 -> '6.832.510.000', 2.32 -> '2,32'.

    Floats are written with the shortest digits that give the same float back (10.2, not
    10.199999...); a float with no fraction is written as a whole number (99.0 -> '99').
    Strings are returned as they are; None gives ''.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):          # bool is an int subclass; a plan never means True here
        raise TypeError("format_number() takes a number, not a bool")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            value = int(value)
    if isinstance(value, int):
        whole, frac, sign = str(abs(value)), "", "-" if value < 0 else ""
    else:
        text = repr(float(value))
        if "e" in text or "E" in text:   # 1e-07: write it out in positional form
            text = f"{float(value):.20f}".rstrip("0")
        sign = "-" if text.startswith("-") else ""
        whole, _, frac = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def format_value(value, value_max=None, qualifier: str | None = None) -> str:
    """The value cell of a target: '2.210', '7,5 - 8', 'giảm còn 3,5', '96,5 trở lên'."""
    text = format_number(value)
    if value_max is not None:
        text = f"{text} - {format_number(value_max)}" if text else format_number(value_max)
    qualifier = (qualifier or "").strip()
    if qualifier and text:
        text = f"{text} {qualifier}" if qualifier.lower() in _AFTER_QUALIFIERS else f"{qualifier} {text}"
    return text


def _two(n: int) -> str:
    return f"{n:02d}"


def format_date(iso: str | None) -> str:
    """'2025-01-15' -> 'ngày 15 tháng 01 năm 2025'; '2025-10' (the day illegible) -> 'ngày … tháng 10
    năm 2025'; a date that is not ISO comes back as given."""
    if not iso:
        return ""
    partial = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?\s*", iso)
    if partial:                         # a date whose day (or month) could not be read: left blank
        year, month = partial.group(1), partial.group(2)
        month_text = "…" if month is None else (_two(int(month)) if int(month) <= 2 else str(int(month)))
        return f"ngày … tháng {month_text} năm {year}"
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", iso)
    if not m:
        return iso.strip()
    year, month, day = (int(g) for g in m.groups())
    try:
        date(year, month, day)
    except ValueError:
        return iso.strip()
    month_text = _two(month) if month <= 2 else str(month)
    return f"ngày {_two(day)} tháng {month_text} năm {year}"


def format_place_date(place: str | None, iso: str | None) -> str:
    """The place-and-date line of the header block: 'Phúc Lộc, ngày 15 tháng 01 năm 2025'."""
    when = format_date(iso)
    place = (place or "").strip()
    if place and when:
        return f"{place}, {when}"
    if when:
        return when[:1].upper() + when[1:]
    return place
