"""Rebuild the paragraphs of a document from the lines of its scan.

A scan breaks a paragraph wherever the page edge fell; the DOCX must not. A paragraph starts
at a heading or a numbered item (`I.`, `1.`, `1.1.`, `a)`), at a bullet (`-`, `+`) that begins
a new item, after a blank line when the line before ended a sentence (a blank line inside a
sentence is a page break), and after a short line that ended a sentence (the text stopped before
the right margin). A line broken mid-sentence joins the next.

Each paragraph keeps, for every word, the RestoredToken it came from and its line, so the
review mode can put a comment on exactly the words restoration was unsure of.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..model import RestoredLine, RestoredToken

# Stray marks OCR leaves before an item marker (`‘ 5. Phát triển ...`).
_JUNK = r"[\s‘’'`´“”\"·,]*"
_ROMAN = re.compile(_JUNK + r"([IVXLHl1]{1,5})\s*[.\-–]\s+(?=\S)")
_NUMBER = re.compile(_JUNK + r"(\d{1,2}(?:\.\d{1,2}){0,3})([.)]?)\s+(?=[^\d\s])")
_LETTER = re.compile(_JUNK + r"([a-zđ])\)\s+(?=\S)")
_PART = re.compile(_JUNK + r"([A-ZĐ])\s*[.\-–)]\s+(?=\S)")        # `A- MỤC ĐÍCH, YÊU CẦU`
_BULLET = re.compile(r"\s*([-+•–—*])\s*(?=[^\s\-])")
_VALID_ROMAN = re.compile(r"(?=[IVXL])L?X{0,3}(IX|IV|V?I{0,3})")
# OCR look-alikes inside a Roman numeral: `HI.` is III., `Il.` and `1I.` are II., `1V.` is IV.
_ROMAN_LOOKALIKE = str.maketrans({"H": "II", "l": "I", "1": "I"})

# A sentence is over when the line ends with one of these (closing quotes and brackets aside).
_TERMINAL = ".!?;:…"
_CLOSERS = "\"'”’»)]"
_YEAR = re.compile(r"\b(19|20)\d\d\b")


@dataclass(frozen=True)
class Marker:
    """The numbering a paragraph starts with, as written: kind and label (`II`, `1.2`, `a`, `-`)."""
    kind: str          # "part" (A-), "roman", "number", "letter" or "bullet"
    label: str
    end: int           # where the text after the marker starts in the line

    @property
    def rank(self) -> int:
        """Depth in the usual outline: A- > I. > 1. > 1.1. > a) > bullets. A document uses some
        of these; its headings take levels in this order (see heading_levels)."""
        if self.kind == "number":
            return 2 + min(self.label.count("."), 1)
        return {"part": 0, "roman": 1, "letter": 4}.get(self.kind, 5)


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def roman_label(raw: str) -> str | None:
    """The Roman numeral `raw` stands for, reading OCR look-alikes (`HI` -> `III`); None if none."""
    label = raw.translate(_ROMAN_LOOKALIKE)
    return label if _VALID_ROMAN.fullmatch(label) else None


def find_marker(line: str) -> Marker | None:
    """The item marker at the start of `line`, or None for a line of running text."""
    m = _ROMAN.match(line)
    if m:
        raw, rest = m.group(1), line[m.end():]
        label = roman_label(raw)
        plain = all(c in "IVXL" for c in raw)
        # A look-alike (`HI.`, `1I.`) counts only before an upper-case heading, and `11.` is a number.
        if label and not raw.isdigit() and (plain or _mostly_upper(rest)):
            return Marker("roman", label, m.end())
    m = _PART.match(line)
    if m and _mostly_upper(line[m.end():]):
        return Marker("part", m.group(1), m.end())
    m = _NUMBER.match(line)
    # `1.`, `2)`, `1.1.` and `1.1 Thi đua`, but not `5 con` nor `1.5 ha`
    if m and (m.group(2) or ("." in m.group(1) and line[m.end():m.end() + 1].isupper())):
        return Marker("number", m.group(1), m.end())
    m = _LETTER.match(line)
    if m:
        return Marker("letter", m.group(1), m.end())
    m = _BULLET.match(line)
    if m:
        return Marker("bullet", m.group(1), m.end())
    return None


def ends_sentence(text: str) -> bool:
    text = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(text) and (text[-1] in _TERMINAL or text.endswith("./."))


def is_heading_text(text: str, marker: Marker | None) -> bool:
    """A heading rather than an item: `I. MỤC ĐÍCH, YÊU CẦU`, `1. Mục đích`, `2. Chỉ tiêu thi đua`,
    but not `4. Trồng mới cây phân tán: 58.000 cây` nor `1. Thường trực ... có trách nhiệm ...`."""
    rest = text[marker.end:] if marker else text
    rest = rest.strip()
    if not rest or (marker and marker.kind == "bullet"):
        return False
    words = rest.split()
    if marker and marker.kind in ("roman", "part"):
        return _mostly_upper(rest) or (len(words) <= 15 and not ends_sentence(rest))
    if marker is None:                       # an unnumbered all-capitals line: `PHỤ LỤC`
        return _mostly_upper(rest) and len(words) <= 15 and not ends_sentence(rest)
    if len(words) > 12 or ends_sentence(rest) or rest.endswith(",") or ":" in rest or ";" in rest:
        return False
    return not any(ch.isdigit() for ch in _YEAR.sub("", rest))


def heading_levels(markers: Iterable[Marker]) -> dict[int, int]:
    """Heading level (1-3) for each outline rank the document's headings use: a plan numbered
    I./1./1.1. gets levels 1/2/3, one numbered A-/1. gets 1/2, one numbered 1./a) gets 1/2."""
    ranks = sorted({m.rank for m in markers})
    return {rank: min(i + 1, 3) for i, rank in enumerate(ranks)}


def typical_width(texts: Iterable[str]) -> int:
    """The length of a full line of the page: the 90th percentile of the non-blank line lengths
    (headings, list items and last lines of paragraphs are shorter; a few merged two-column
    header lines may be longer)."""
    lengths = sorted(len(t.strip()) for t in texts if t.strip())
    if not lengths:
        return 0
    if len(lengths) < 5:
        return lengths[-1]
    return lengths[(9 * len(lengths)) // 10]


@dataclass
class Span:
    """Where a restored word sits in a paragraph's text."""
    start: int
    end: int
    token: RestoredToken
    line: int                                 # 1-based line of the restored text


@dataclass
class Paragraph:
    text: str
    first_line: int                           # 1-based, inclusive
    last_line: int
    marker: Marker | None = None
    spans: list[Span] = field(default_factory=list)

    @property
    def lines(self) -> range:
        return range(self.first_line, self.last_line + 1)

    @property
    def heading(self) -> bool:
        return is_heading_text(self.text, self.marker)

    @property
    def body(self) -> str:
        """The text after the marker."""
        return self.text[self.marker.end:].strip() if self.marker else self.text


def _starts_item(marker: Marker | None, prev: str, cur: str, blank: bool) -> bool:
    if marker is None:
        return False
    if marker.kind != "bullet":
        return True
    # `kinh tế\n- xã hội` is a dash inside a sentence; `- Trưởng các bản ...` is an item.
    after = cur[marker.end:]
    return blank or ends_sentence(prev) or (after[:1].isupper() or after[:1].isdigit())


def _breaks(prev: str, prev_par: Paragraph, cur: str, blank: bool, width: int) -> bool:
    """Does `cur` start a new paragraph after the paragraph that `prev` (its last line) ends?"""
    if _starts_item(find_marker(cur), prev, cur, blank):
        return True
    first = cur.lstrip()[:1]
    starts_new = first.isupper() or first.isdigit() or first in "“\"‘'(«"
    if prev_par.heading and prev_par.first_line == prev_par.last_line:
        # A heading ends at its line, unless an upper-case heading runs on to a second line.
        return not (not blank and _mostly_upper(prev) and _mostly_upper(cur) and len(prev) >= 0.7 * width)
    length = len(prev.strip())
    if blank:
        return ends_sentence(prev) or length < 0.6 * width
    if ends_sentence(prev) and length < 0.8 * width and starts_new:
        return True
    return length < 0.5 * width and starts_new and not prev.rstrip().endswith(",")


def _line_spans(line: RestoredLine, offset: int, number: int) -> list[Span]:
    """Locate each token of `line` in its text (tokens are in order; text is restored text)."""
    spans, pos, text = [], 0, line.text
    for tok in line.tokens:
        if not tok.text:
            continue
        at = text.find(tok.text, pos)
        if at < 0:
            continue
        spans.append(Span(offset + at, offset + at + len(tok.text), tok, number))
        pos = at + len(tok.text)
    return spans


def build_paragraphs(lines: Sequence[RestoredLine | str], *, first_number: int = 1,
                     force_breaks: Iterable[int] = (), width: int | None = None) -> list[Paragraph]:
    """Join `lines` (numbered from `first_number`) into paragraphs. `force_breaks` are line
    numbers that must start a paragraph (where the parser found a section)."""
    lines = [RestoredLine(text=l, original=l) if isinstance(l, str) else l for l in lines]
    forced = set(force_breaks)
    if width is None:
        width = typical_width(l.text for l in lines)
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    prev_text, blank = "", False
    for i, line in enumerate(lines):
        number = first_number + i
        raw = line.text.rstrip()
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if current is None or number in forced or _breaks(prev_text, current, stripped, blank, width):
            current = Paragraph(text="", first_line=number, last_line=number, marker=find_marker(stripped))
            paragraphs.append(current)
            offset = 0
        else:
            current.text += " "
            offset = len(current.text)
        current.text += stripped
        current.last_line = number
        current.spans += [Span(s.start - lead, s.end - lead, s.token, s.line)
                          for s in _line_spans(line, offset, number) if s.start - lead >= offset]
        prev_text, blank = stripped, False
    return paragraphs


def join_lines(lines: Sequence[str]) -> list[str]:
    """The paragraphs of `lines` as plain strings (the text-only face of build_paragraphs)."""
    return [p.text for p in build_paragraphs(lines)]
