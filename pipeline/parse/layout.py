"""From restored lines to logical blocks: numbered items, headings and paragraphs.

OCR keeps the scan's line breaks, so one sentence spans several lines, page breaks leave blank
lines and repeated running headers, and numbering comes out as `Il.`, `1V`, `HI.`. This module
repairs what it can on each line (never changing what a line says, only how it is numbered), drops
page furniture, and joins lines into blocks. Every block keeps the 1-based line number of each of
its characters' lines, so everything extracted later can say where it came from.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from .text import fold, is_upper_text

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


@dataclass
class Marker:
    """The numbering of an item as written: "I", "A", "1", "1.1", "a", "-", "+"."""
    style: str          # part | roman | upper | arabic | dotted2.. | lower | dash | plus
    label: str
    value: int | None   # ordinal, for sequence checks (None for bullets)


@dataclass
class Line:
    no: int             # 1-based line number in the input
    text: str           # the line, with numbering repaired
    skip: bool = False  # page furniture (page number, repeated running header)
    style: Any = None   # model.LineStyle from a Word file
    table: Any = None   # tables.FoundTable whose first row this line is
    in_table: bool = False   # a row of a table (read as a table, not as text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def folded(self) -> str:
        """The line folded (see text.fold), computed once."""
        cached = self.__dict__.get("_folded")
        if cached is None or cached[0] != self.text:
            cached = (self.text, fold(self.text))
            self.__dict__["_folded"] = cached
        return cached[1]


@dataclass
class Block:
    """A logical unit: an item with its numbering, a heading, or a paragraph."""
    marker: Marker | None
    text: str                                   # joined text, numbering removed
    spans: list[tuple[int, int]] = field(default_factory=list)   # (offset in text, line no)
    heading: bool = False                       # a short title line (or lines) without a sentence
    upper: bool = False                         # written in capitals
    table: Any = None                           # tables.FoundTable: this block is that table

    @property
    def line(self) -> int:
        return self.spans[0][1] if self.spans else 0

    @property
    def last_line(self) -> int:
        return self.spans[-1][1] if self.spans else 0

    def line_at(self, offset: int) -> int:
        """The input line holding character `offset` of `text`."""
        no = self.spans[0][1] if self.spans else 0
        for start, line_no in self.spans:
            if start > offset:
                break
            no = line_no
        return no

    def tail(self, start: int) -> "Block":
        """The block from character `start` on, with its line numbers."""
        out = Block(marker=None, text=self.text[start:])
        first = self.line_at(start)
        out.spans = [(0, first)] + [(off - start, no) for off, no in self.spans if off > start]
        return out

    def append(self, text: str, line_no: int) -> None:
        if self.text:
            self.text += " "
        self.spans.append((len(self.text), line_no))
        self.text += text


# --------------------------------------------------------------------------- line repairs

_STRAY_QUOTE = re.compile(r"(?<![\w“\"])[‘’'`´](?=\d)|^\s*[‘’'`´]\s*(?=\d)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?\s*$", re.I)
_TRAILING_JUNK = re.compile(r"(?<=[.;:!?)”\w])\s+[=|~_«»•]+\s*$")


def repair_line(text: str) -> str:
    """Undo line-level OCR debris that changes no word: a stray quote before a number
    ("‘2.210"), a trailing "=" or "|" left by a stamp or a rule."""
    text = _STRAY_QUOTE.sub("", text)
    if " | " not in text:                  # a table row may end with an empty cell: "a | b |"
        text = _TRAILING_JUNK.sub("", text)
    return text.rstrip()


def mark_furniture(lines: list[Line]) -> None:
    """Flag page numbers and running headers repeated at page breaks."""
    n = len(lines)

    def blank_near(i):
        return (i == 0 or lines[i - 1].blank) or (i == n - 1 or lines[i + 1].blank)

    counts: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line.blank or line.in_table:
            continue
        if _PAGE_NUMBER.match(line.text) and blank_near(i):
            line.skip = True
            continue
        # a running header may carry the page number: compare with digits masked
        key = re.sub(r"\d+", "#", " ".join(line.folded.split()))
        if len(key) >= 8 and not read_marker(line.text, after_break=True):
            counts.setdefault(key, []).append(i)
    for key, where in counts.items():
        if len(where) >= 2 and any(blank_near(i) for i in where) and not key.startswith(("- ", "+ ")):
            numbered = len({lines[i].text for i in where}) > 1      # "... Trang 1", "... Trang 2"
            for i in where if numbered else where[1:]:
                if blank_near(i):
                    lines[i].skip = True


# --------------------------------------------------------------------------- numbering

# Roman numerals as OCR writes them: l, 1, | and ! for I; H for II ("HI." is III); U for II.
ROMANISH = re.compile(r"^\s*((?:PHẦN|Phần)\s+)?([IVXLHUl1|!TYiv][IVXLHUl1|!TYivx]{0,4})(\s*[.\-–:)]\s*|\s+)(?=\S)")
_DIGIT_ROMAN = re.compile(r"^[1l|!]+$")
_UPPER = re.compile(r"^\s*([A-ZĐ])\s*([.\-–)])\s*(?=\S)")
_DOTTED = re.compile(r"^\s*(\d{1,2}(?:\s?\.\s?\d{1,2})+)\s*[.)]?\s+(?=\S)")
_ARABIC = re.compile(r"^\s*(\d{1,2})\s*([.),])\s*(?=\S)")
_LOWER = re.compile(r"^\s*([a-zđ])\s*\)\s*(?=\S)")
_LOWER_DOT = re.compile(r"^\s*([a-zđ])\s*\.\s+(?=\S)")
_BULLET = re.compile(r"^\s*([-–—•+*∙·▪])\s*(?=\S)")
_LETTERS = "abcdđefghijklmnopqrstuvxy"
_UPPER_LETTERS = "ABCDĐEFGHKLMNOPQRSTUVXY"


def roman_value(s: str) -> int | None:
    if not s or any(c not in ROMAN_VALUES for c in s):
        return None
    total, prev = 0, 0
    for c in reversed(s):
        v = ROMAN_VALUES[c]
        total += -v if v < prev else v
        prev = max(prev, v)
    return total if to_roman(total) == s else None


def to_roman(n: int) -> str:
    out = ""
    for v, s in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def _unconfuse_roman(s: str) -> str:
    s = s.replace("i", "I").replace("v", "V").replace("x", "X")   # "Ii.", "Iv.": title case
    return (s.replace("H", "II").replace("U", "II").replace("l", "I").replace("1", "I")
             .replace("|", "I").replace("!", "I").replace("T", "I").replace("Y", "V"))


def starts_upper(text: str) -> bool:
    t = text.lstrip(" “\"'(«‘")
    return bool(t) and t[0].isupper()


def read_marker(text: str, *, after_break: bool, expect_roman: int | None = None,
                digit_romans: bool = False) -> tuple[Marker, int] | None:
    """The numbering at the start of a line and where the rest starts, or None.

    `after_break` says the previous line ended a sentence (or there was none): only then may an
    item start with a lower-case word or a digit (so a wrapped "2.320 tấn" or "- 2025" is not an
    item). `expect_roman` is the next Roman numeral in sequence: a look-alike ("Il.", "HI.",
    "1V") is read as that numeral only when it is the one expected and its title is in capitals;
    look-alikes made only of digits ("11.") only when `digit_romans` (the document has real
    Roman headings), since "11." is otherwise an ordinary item.
    """
    m = ROMANISH.match(text)
    if m:
        written, sep, rest = m.group(2), m.group(3).strip(), text[m.end():]
        part = bool(m.group(1))
        titled = part or is_upper_text(rest[:40])
        value = roman_value(written)
        if value is not None:
            if titled or (sep and sep in ".-–:"):
                return Marker("part" if part else "roman", written, value), m.end()
        elif titled and (digit_romans or not _DIGIT_ROMAN.match(written)) and expect_roman:
            # a look-alike: the numeral expected next, or the one after it when OCR lost a
            # heading; a letter look-alike below it ("Ii." after "II.") is the next one misread
            # (renumbered by build_blocks). Readings: all of it, or its capitals ("Vv." is V).
            capitals = "".join(c for c in written if not c.islower() or c == "l")
            readings = {roman_value(_unconfuse_roman(w)) for w in (written, capitals) if w} - {None}
            if expect_roman in readings:
                value = expect_roman
            elif not _DIGIT_ROMAN.match(written) and readings and min(readings) <= expect_roman + 1:
                value = min(readings)
            if value is not None:
                return Marker("part" if part else "roman", to_roman(value), value), m.end()
    m = _DOTTED.match(text)
    if m:
        rest = text[m.end():]
        parts = [p.strip() for p in m.group(1).split(".")]
        if all(p.isdigit() and 0 < int(p) < 100 for p in parts) and (
                starts_upper(rest) or (after_break and not re.match(r"(%|[a-zđ]{1,3}\b)", fold(rest)))):
            return Marker(f"dotted{len(parts)}", ".".join(parts), int(parts[-1])), m.end()
    m = _ARABIC.match(text)
    if m:
        rest = text[m.end():]
        n = int(m.group(1))
        ok = starts_upper(rest) if m.group(2) == "," else (
            starts_upper(rest) or (after_break and not rest[:1].isdigit()))
        if 0 < n < 100 and ok and not rest.startswith("%"):
            return Marker("arabic", str(n), n), m.end()
    m = _UPPER.match(text)
    if m:
        rest = text[m.end():]
        letter = m.group(1)
        if letter not in "IVXL" and (is_upper_text(rest[:30]) or m.group(2) in "-–"):
            return Marker("upper", letter, _UPPER_LETTERS.find(letter) + 1), m.end()
    m = _LOWER.match(text) or _LOWER_DOT.match(text)
    if m:
        rest = text[m.end():]
        letter = m.group(1)
        if starts_upper(rest) or (after_break and text.lstrip()[1:2] != "."):
            return Marker("lower", letter, _LETTERS.find(letter) + 1), m.end()
    m = _BULLET.match(text)
    if m:
        rest = text[m.end():]
        if rest[:1].isdigit() and not after_break:
            return None                 # "- 2025”;" continuing a range, not a bullet
        style = "plus" if m.group(1) == "+" else "dash"
        return Marker(style, "+" if style == "plus" else "-", None), m.end()
    return None


def has_real_romans(lines: list["Line"]) -> bool:
    """Does the document number its parts with Roman numerals? Evidence is a heading in
    capitals numbered with a Roman numeral or a look-alike that is not only digits ("I.",
    "HI.", "1V"); only then may "11." be read as II."""
    for line in lines:
        m = ROMANISH.match(line.text)
        if not m or _DIGIT_ROMAN.match(m.group(2)) or not is_upper_text(line.text[m.end():][:40]):
            continue
        if roman_value(m.group(2)) or roman_value(_unconfuse_roman(m.group(2))):
            return True
    return False


# --------------------------------------------------------------------------- blocks

_TERMINAL = (".", ";", ":", "!", "?", "…", ".”", ";”", ".\"", "./.")


def ends_sentence(text: str) -> bool:
    t = text.rstrip()
    return t.endswith(_TERMINAL) or t.endswith((")", "”")) and t.rstrip(")”").endswith((".", ";"))


def typical_width(lines: list[Line]) -> float:
    lengths = sorted(len(l.text.strip()) for l in lines if len(l.text.strip()) > 20)
    if not lengths:
        return 80.0
    return float(lengths[int(len(lengths) * 0.75)] if len(lengths) > 3 else statistics.median(lengths))


_OPEN_ENDS = {"của", "theo", "và", "với", "về", "các", "những", "cho", "tại", "ngày", "năm",
              "trong", "đến", "từ", "là", "được", "có", "đã", "để", "nhằm", "thuộc"}


_KIND_ENDS = {"định", "thị", "hoạch", "quyết", "tư", "dẫn", "báo", "văn", "luật", "lệnh", "trình", "án", "luận"}


def is_heading_text(rest: str, max_words: int = 12) -> bool:
    """A title rather than a sentence: short, not ending a sentence nor in mid-phrase
    ("... theo Nghị định số" goes on on the next line). `max_words` may be raised where the
    line is known to end before the margin (a Word paragraph, a short line of a scan)."""
    words = rest.split()
    if not words or words[-1].lower() in _OPEN_ENDS or ";" in rest:
        return False
    if len(words) > 1 and words[-1].lower() == "số" and words[-2].lower() in _KIND_ENDS:
        return False                    # "... theo Nghị định số" (but "Dinh dưỡng và dân số")
    if is_upper_text(rest):
        return len(words) <= 25
    return len(words) <= max_words and not rest.rstrip().endswith((".", ";", ","))


def build_blocks(lines: list[Line], start: int = 0, end: int | None = None) -> list[Block]:
    """Join lines[start:end] into blocks (see the module docstring)."""
    end = len(lines) if end is None else end
    width = typical_width(lines[start:end])
    blocks: list[Block] = []
    cur: Block | None = None
    prev_text = ""
    gap = True
    last_roman = 0
    digit_romans = has_real_romans(lines[start:end])
    for at_line in range(start, end):
        line = lines[at_line]
        if line.skip:
            continue
        if line.in_table:
            if line.table is not None:  # the table stands where its first row is
                blocks.append(Block(marker=None, text="", spans=[(0, line.no)], table=line.table))
            cur, prev_text, gap = None, "", True
            continue
        if line.blank:
            gap = True
            continue
        text = line.text.strip()
        after_break = cur is None or ends_sentence(prev_text) or cur.heading
        found = read_marker(text, after_break=after_break, expect_roman=last_roman + 1,
                            digit_romans=digit_romans)
        if found and found[0].style == "roman" and cur is not None and not ends_sentence(prev_text) \
                and not cur.heading and not gap and not is_upper_text(text[found[1]:][:40]):
            found = None                # "I" starting a wrapped line, not a heading
        if not found and after_break and len(text) < 0.6 * width:
            level = unnumbered_heading(line, _next_content(lines, at_line, end))
            if level:
                # A heading without a number (Word's automatic numbering lost, or none written):
                # it opens a part of the outline like a numbered one.
                found = (Marker(f"unnumbered{level}", None, None), len(text) - len(text.lstrip()))
        if found:
            marker, at = found
            if marker.style == "roman":
                if marker.value <= last_roman and is_upper_text(text[at:][:40]):
                    # Parts run in sequence: a second "I." is II misread ("II." read as "I.").
                    marker = Marker("roman", to_roman(last_roman + 1), last_roman + 1)
                last_roman = marker.value
            rest = text[at:].strip()
            cur = Block(marker=marker, text="")
            cur.append(rest, line.no)
            cur.upper = is_upper_text(rest)
            # a longer title when the line stops well before the margin ("1. Xây dựng, phát sóng
            # các chương trình trên Báo và Phát thanh, Truyền hình tỉnh" in a Word paragraph)
            cur.heading = is_heading_text(rest) or marker.style.startswith("unnumbered") or (
                len(text) < 0.7 * width and is_heading_text(rest, max_words=25))
            blocks.append(cur)
        elif cur is None:
            cur = _plain_block(text, line.no)
            blocks.append(cur)
        elif _continues(cur, text, prev_text, gap, width):
            cur.append(text, line.no)
            if cur.heading and not (cur.upper and is_upper_text(text)):
                cur.heading = is_heading_text(cur.text)
            elif not cur.heading and cur.upper and is_upper_text(text):
                # a heading in capitals the scan broke after an open word: "... TRỌNG TÂM TRONG" / "NĂM 2026"
                cur.heading = is_heading_text(cur.text)
        else:
            cur = _plain_block(text, line.no)
            blocks.append(cur)
        prev_text = text
        gap = False
    return blocks


_SENTENCE_END = (".", ";", ",", ":", "!", "?", "…", "./.")


def _next_content(lines: list[Line], i: int, end: int) -> Line | None:
    """The next line with text after lines[i] (within the part being read)."""
    for nxt in lines[i + 1:end]:
        if not nxt.blank and not nxt.skip:
            return nxt
    return None


def unnumbered_heading(line: Line, nxt: Line | None) -> int:
    """1 (a topical heading) or 2 (a heading that names a kind of content: "Mục tiêu",
    "Nhiệm vụ") when a line without a number is a heading, else 0.

    By its shape: short (2 to 14 words, and well short of the lines of running text: the caller
    checks), starting with a capital, not ending a sentence nor
    mid-phrase, not a table row, and followed by a line that starts a new sentence or item (a
    heading is not a wrapped line). By its Word style: a Heading style, or bold and short.
    Lines in capitals are already headings (they need no number to be seen)."""
    text = line.text.strip()
    style = line.style
    words = text.split()
    if not 2 <= len(words) <= 14 or is_upper_text(text) or nxt is None or nxt.in_table:
        return 0
    first = text.lstrip(" “\"'(«‘")[:1]
    if not first.isupper() or text.endswith(_SENTENCE_END) or words[-1].lower() in _OPEN_ENDS:
        return 0
    if re.search(r"\d", text) and not re.search(r"(?:19|20)\d\d", text):
        return 0                      # "Tỷ lệ hộ nghèo 2%", "Số 15": data, not a heading
    following = nxt.text.strip()
    if not following or (following[:1].islower() or following[:1] in ",;.)") \
            and not read_marker(following, after_break=True):
        return 0                      # the line goes on: a wrapped sentence
    if style is not None and not (style.outline or style.bold):
        return 0                      # a Word file says how its headings look: plain text is none
    from .outline import section_kinds
    kinds = section_kinds(text)
    return 2 if kinds & {"targets", "tasks", "purpose", "requirement"} and len(words) <= 4 else 1


def _plain_block(text: str, no: int) -> Block:
    b = Block(marker=None, text="")
    b.append(text, no)
    b.upper = is_upper_text(text)
    b.heading = b.upper and len(text.split()) <= 25 and not text.endswith((".", ";"))
    return b


def _continues(cur: Block, text: str, prev: str, gap: bool, width: float) -> bool:
    """Does `text` continue the block `cur` whose last line was `prev`?"""
    first = text.lstrip(" “\"'(«‘")[:1]
    lower_start = bool(first) and (first.islower() or first in ",;.)”")
    if cur.heading:
        if cur.upper and is_upper_text(text) and not gap:
            return True                 # "I. MỤC ĐÍCH," / "YÊU CẦU"
        if first.isdigit() and (not ends_sentence(prev) or prev.rstrip().endswith(":")):
            return True                 # "Sản lượng lúa:" / "500 tấn"
        return lower_start and not prev.rstrip().endswith((".", ":", ";"))
    if is_upper_text(text) and not cur.upper and len(text.split()) <= 12:
        return False                    # a heading line after a paragraph
    if lower_start:
        return True
    if first.isdigit() and not prev.rstrip().endswith((".", ";")):
        return True                     # "... phí:\n15.600 triệu đồng" (numbering was ruled out)
    if ends_sentence(prev):
        return False
    if len(prev) < 0.6 * width and not prev.rstrip().endswith((",", "-", "–")):
        return False                    # a short last line ended the paragraph
    return True
