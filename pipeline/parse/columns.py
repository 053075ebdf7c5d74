"""Where the words of a page are: the parser's view of the word boxes (model.RestoredText.words).

A Decree 30 document sets its header and its signature in two columns: the issuing body, the
number and the "V/v" summary on the left; the national motto, the place and date, and later the
signature on the right. Tesseract reads two columns that share a baseline as one line
("UBND THÀNH PHỐ ĐÀ NẴNG CỘNG HÒA XÃ HỘI...", README "Scans"), and a PDF text layer may list lines
in any order. So the header and signature readers look at rows of boxed words, not at lines of
text: each row is cut where it crosses from one column to the other, and the pieces of each
column are read top-down.

    page = PageWords.of(...)                 # one page's rows of words, top-down
    pieces = split_row(row, boundary, page)  # Segments, each "left", "right" or "full"

Boxes are pixels of the upright page (model.Box); the page's width and its text frame (where
the body's lines start and end) set the scale of every gap.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Box, RestoredText, union_of


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    line: int                   # index of its line in the parser's lines
    index: int                  # its place among that line's words
    conf: float | None = None   # Tesseract's confidence, 0-100 (None: a text layer)

    @property
    def centre(self) -> float:
        return (self.box.x0 + self.box.x1) / 2


@dataclass
class Segment:
    """A run of words of one row that belongs to one column."""
    words: list[Word]
    side: str                   # "left", "right" or "full" (crosses the columns: a body line, a title)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return union_of(w.box for w in self.words)

    @property
    def line(self) -> int:
        return self.words[0].line

    @property
    def lines(self) -> set[int]:
        return {w.line for w in self.words}

    @property
    def confidences(self) -> list[float | None]:
        return [w.conf for w in self.words]

    @property
    def top(self) -> int:
        return self.box.y0

    @property
    def middle(self) -> float:
        b = self.box
        return (b.y0 + b.y1) / 2


@dataclass
class PageWords:
    """One page's boxed words as rows (a line as the OCR or the text layer gave it), top-down."""
    number: int
    width: int
    height: int
    rows: list[list[Word]] = field(default_factory=list)

    @classmethod
    def from_restored(cls, restored: RestoredText, texts: list[str]) -> dict[int, "PageWords"]:
        """Every page that has boxes. `texts` are the parser's texts of the restored lines (the
        same words, one for one; where they are not, the restored line's words are used)."""
        conf = {(w.line, w.index): w.ocr_confidence for w in restored.words()}
        pages: dict[int, PageWords] = {}
        for li, line in enumerate(restored.lines):
            if not line.boxes:
                continue
            words = texts[li].split() if li < len(texts) else []
            if len(words) != len(line.boxes):
                words = line.text.split()
            row = [Word(text, box, li, k, conf.get((li, k)))
                   for k, (text, box) in enumerate(zip(words, line.boxes)) if box is not None]
            if not row:
                continue
            info = restored.page_info(line.page)
            page = pages.get(line.page)
            if page is None:
                width = info.width if info and info.width else max(w.box.x1 for w in row)
                height = info.height if info and info.height else max(w.box.y1 for w in row)
                page = pages[line.page] = cls(line.page, width, height)
            page.rows.append(sorted(row, key=lambda w: w.box.x0))
        for page in pages.values():
            page.rows.sort(key=lambda r: statistics.median((w.box.y0 + w.box.y1) / 2 for w in r))
        return pages

    @cached_property
    def frame(self) -> tuple[float, float]:
        """(left, right) of the text: where the body's lines start and end. From the longer
        rows when there are enough of them, else the extent of all words."""
        long_rows = [r for r in self.rows if len(r) >= 6]
        if len(long_rows) >= 3:
            starts = sorted(r[0].box.x0 for r in long_rows)
            ends = sorted(r[-1].box.x1 for r in long_rows)
            return float(starts[len(starts) // 5]), float(ends[len(ends) * 4 // 5])
        words = [w for r in self.rows for w in r]
        if not words:
            return 0.0, float(self.width)
        return float(min(w.box.x0 for w in words)), float(max(w.box.x1 for w in words))

    @property
    def frame_width(self) -> float:
        left, right = self.frame
        return max(right - left, self.width * 0.3)

    def at(self, fraction: float) -> float:
        """The x that lies `fraction` of the way across the text frame."""
        return self.frame[0] + fraction * self.frame_width

    @cached_property
    def letter_height(self) -> float:
        """The median height of a word's box: the size of the print."""
        heights = [w.box.height for r in self.rows for w in r if sum(c.isalpha() for c in w.text) >= 2]
        return float(statistics.median(heights)) if heights else self.height / 80


def word_at(words: list[Word], offset: int) -> int:
    """The index of the word holding character `offset` of " ".join(words)."""
    pos = 0
    for k, w in enumerate(words):
        end = pos + len(w.text)
        if offset < end + 1:
            return k
        pos = end + 1
    return len(words) - 1


def row_text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def split_row(row: list[Word], boundary: float, page: PageWords, *, cut: int | None = None) -> list[Segment]:
    """The row's words in columns: a left and a right Segment where the row crosses from one
    column to the other at a gap, one Segment on its own side otherwise, or one "full" Segment
    for a line that runs across both (a body line, a centred title). `boundary` is the x where
    the right column starts; `cut`, when given, is the index of the first word of the right
    column (found by its text: the motto, the place before a date)."""
    if not row:
        return []
    if cut is not None and 0 < cut < len(row):
        return [Segment(row[:cut], "left"), Segment(row[cut:], "right")]
    if cut == 0:
        return [Segment(row, "right")]
    slack = 0.02 * page.frame_width
    if all(w.centre < boundary for w in row) and row[-1].box.x1 <= boundary + 3 * slack:
        return [Segment(row, "left")]
    if row[0].box.x0 >= boundary - slack:
        return [Segment(row, "right")]
    # the widest gap near the boundary, if it is wider than the row's spaces
    gaps = [(row[k + 1].box.x0 - row[k].box.x1, k + 1) for k in range(len(row) - 1)]
    if gaps:
        spaces = sorted(g for g, _ in gaps)
        space = spaces[len(spaces) // 2]
        near = [(g, k) for g, k in gaps
                if row[k].centre >= boundary - 0.2 * page.frame_width and row[k - 1].centre <= boundary + 0.1 * page.frame_width]
        if near:
            g, k = max(near)
            if g >= max(2.5 * max(space, 1), 0.012 * page.width):
                return [Segment(row[:k], "left"), Segment(row[k:], "right")]
    return [Segment(row, "full")]
