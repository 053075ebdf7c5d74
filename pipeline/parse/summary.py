"""Document-level facts: the plan's year, its locality (the commune, ward or district it is
for) and its theme ("chủ đề: “...”")."""
from __future__ import annotations

import re
from collections import Counter

from ..model import Header
from .lexicon import lexicon
from .text import fold, is_upper_text, title_case

_YEAR = re.compile(r"(?<![\w/])nam(?:\s+hoc)?\s+((?:19|20)\d{2})(?![\d/])")
_ANY_YEAR = re.compile(r"(?<![\w/.-])((?:19|20)\d{2})(?![\w/.-])")
_THEME = re.compile(r"chu\s+de\s*(?:la\s*)?[:]?\s*([“\"«])")
_CLOSE = {"“": "”", "\"": "\"", "«": "»"}


def infer_year(title: str | None, header: Header, body: str) -> int | None:
    """The year the plan is for: the title's "năm 2025", else the date of issue, else the year
    the text names most."""
    if title:
        ft = fold(title)
        m = _YEAR.search(ft) or _ANY_YEAR.search(ft)
        if m:
            return int(m.group(1))
    if header.date:
        return int(header.date[:4])
    counts = Counter(int(m.group(1)) for m in _YEAR.finditer(fold(body)))
    return counts.most_common(1)[0][0] if counts else None


def _admin_rx(original_case: bool) -> re.Pattern:
    words = lexicon().words("header", "admin")
    alts = "|".join(r"\s+".join(re.escape(fold(w).split()[k]) for k in range(len(w.split())))
                    for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w])(" + alts + r")\s+")


_NAME_WORD = re.compile(r"[^\W\d_]+")


def _name_after(text: str, at: int, *, upper: bool) -> str | None:
    """The proper name starting at `at`: capitalised syllables (or, in a heading written in
    capitals, every syllable up to the end)."""
    words = []
    for m in re.finditer(r"\S+", text[at:at + 60]):
        w = m.group(0)
        core = w.strip(",.;:()“”\"")
        if not core or not _NAME_WORD.fullmatch(core) or not core[0].isupper():
            break
        if not upper and not (core[1:].islower() or len(core) == 1):
            break
        words.append(core)
        if core != w or len(words) >= 4:
            break
    if not words:
        return None
    name = " ".join(words)
    return title_case(name) if is_upper_text(name, min_letters=2) else name


def locality_of_body(body: str) -> str | None:
    """"ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG" -> "Đông Phong"."""
    if not body:
        return None
    m = _admin_rx(False).search(fold(body))
    if not m:
        return None
    return _name_after(body, m.end(), upper=is_upper_text(body))


_MENTION = re.compile(r"(?<![\w])(xa|phuong|thi tran|huyen|que huong|dia ban xa|dia ban phuong)\s+")


def infer_locality(header: Header, title: str | None, body: str) -> str | None:
    """The commune, ward or district the plan is for: from the issuing body (or the body above
    it), else the title ("... xã Tân Lập ..."), else the place of issue, else the name the text
    gives most often after "xã", "phường", "quê hương" ..."""
    name = locality_of_body(header.issuer or "") or locality_of_body(header.issuer_parent or "")
    if name:
        if header.place and fold(header.place) == fold(name):
            return header.place        # the mixed-case spelling of the date line
        return name
    if title:
        for m in _MENTION.finditer(fold(title)):
            n = _name_after(title, m.end(), upper=is_upper_text(title))
            if n:
                return n
    if header.place:
        return header.place
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _MENTION.finditer(fold(body)):
        n = _name_after(body, m.end(), upper=False)
        if n:
            counts[n] += 1
            first.setdefault(n, m.start())
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


def find_theme(text: str) -> str | None:
    m = _THEME.search(fold(text))
    if not m:
        return None
    close = _CLOSE[text[m.start(1)]]
    end = text.find(close, m.end())
    if end < 0 or end - m.end() > 400:
        return None
    return " ".join(text[m.end():end].split()).strip(" ,.") or None
