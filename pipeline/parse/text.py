"""Small text helpers shared by the parser: folding, dates, title case.

`fold` maps every character to exactly one character (lower case, no diacritics, đ -> d), so a
regex run on the folded text gives offsets that are valid in the original. Structural words
("nơi nhận", "tổ chức thực hiện", units) are matched on folded text: restoration may leave a
wrong tone behind, and the parser should still see the structure.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch.lower()


# Latin letters with diacritics (Latin-1 Supplement to Latin Extended Additional) -> base letter.
_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0xC0, 0x1F00)
               if chr(cp).isalpha() and len(_fold_char(chr(cp))) == 1 and _fold_char(chr(cp)) != chr(cp)}


def fold(text: str) -> str:
    """Lower case without diacritics, one output character per input character."""
    low = text.lower()
    if len(low) != len(text):          # a letter whose lower case is two characters (rare)
        return "".join(_fold_char(c) for c in text)
    return low.translate(_FOLD_TABLE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """Collapse runs of white space to one space and strip."""
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def is_upper_text(text: str, min_letters: int = 3) -> bool:
    """True for headings written in capitals ("MỤC ĐÍCH, YÊU CẦU"); digits and marks ignored.
    Judged on the first 80 characters (a heading shows itself at once)."""
    text = text[:80]
    letters = sum(1 for c in text if c.isalpha())
    if letters < min_letters:
        return False
    lowers = sum(1 for c in text if c.islower())
    return (letters - lowers) / letters >= 0.85


def title_case(text: str) -> str:
    """"ĐÔNG PHONG" -> "Đông Phong" (each syllable capitalised)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def lower(text: str) -> str:
    """Lower case, NFC, keeping diacritics (one output character per input character for
    Vietnamese text, so offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def phrase_regex(phrases, *, flags=0, folded: bool = True) -> re.Pattern:
    """One regex matching any of the phrases at word boundaries, longest first, on folded text
    (or, with folded=False, on `lower` text). Spaces inside a phrase match any run of white
    space; "-" matches a dash with or without spaces around it."""
    parts = []
    norm = fold if folded else (lambda p: lower(nfc(p)))
    for p in sorted({norm(p) for p in phrases if p}, key=len, reverse=True):
        words = [re.escape(w) for w in p.split()]
        body = r"\s+".join(words).replace(r"\s+\-\s+", r"\s*[-–—]\s*")
        parts.append(body)
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", flags)


# --------------------------------------------------------------------------- dates

_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_LONG = re.compile(r"(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")


def iso_date(day: int | str, month: int | str, year: int | str) -> str | None:
    try:
        d, m, y = int(day), int(month), int(year)
    except (TypeError, ValueError):
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_date(folded: str, start: int = 0) -> tuple[str, int, int] | None:
    """The first date at or after `start` in folded text ("07/4/2014", "16 thang 7 nam 2021"),
    as (ISO, start, end)."""
    best = None
    for rx in (_DMY, _LONG):
        m = rx.search(folded, start)
        if m and (best is None or m.start() < best[1]):
            iso = iso_date(m.group(1), m.group(2), m.group(3))
            if iso:
                best = (iso, m.start(), m.end())
    return best
