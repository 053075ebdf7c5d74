"""The data that flows between the stages.

    ingest  -> Document (pages: images, text layers, or text; a Word file's tables as Tables)
    ocr     -> RawText  (pages, and lines of words: text, box, OCR confidence)
    restore -> RestoredText (the same pages and lines; tokens: restored text, original, confidence,
               alternatives; every word keeps its box)
    parse   -> Plan     (the sohoa.plan/1 document)

Geometry. Every word read from a page image or a PDF text layer keeps where it is: its page and
its Box, in pixels of the page image as it was read, turned upright (the quarter turns the OCR
applied are part of the frame; deskewing and rescaling are undone), with x to the right and y
down. `PageInfo` gives that frame's size and resolution and how the source was turned, so that
exporters map pixels to their own units (PDF points = px * 72 / dpi; ALTO pixels as they are).
Words of a text input have no box (None).

Tables. A table travels as text rows (`cell | cell | cell`, one line per row, so every stage can
read and restore it as text) and, when its source knew more (a Word file's merged cells, a
cell's own line breaks), as a `Table` that names the line of its first row.

Plain dataclasses, no behaviour beyond small conveniences, so every stage can be called and
tested on its own. `Plan.to_dict()` is the JSON contract of DESIGN.md; `Plan.from_dict()` reads
it back (for `sohoa diff` and `sohoa targets` on written plans).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

PLAN_SCHEMA = "sohoa.plan/1"


# --------------------------------------------------------------------------- tables

@dataclass
class TableCell:
    """One cell where it starts (as in HTML): a merged cell spans `rowspan` rows and `colspan`
    grid columns, and the places it covers hold no cell of their own. `text` keeps the cell's
    own line breaks."""
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A table of the document. `rows` hold the cells where they start; `grid()` gives every
    row as one text per grid column, a merged cell's text repeated over what it covers. Each row
    is one line of the text (`cell | cell`), the first at `line` (1-based; within its page in a
    Page, within the document from RawText on)."""
    rows: list[list[TableCell]] = field(default_factory=list)
    header_rows: int = 0              # leading rows that name the columns
    line: int | None = None
    title: str | None = None          # the caption or annex heading above it ("PHỤ LỤC I ...")
    kind: str | None = None           # "tasks", "indicators", or None (any other table)
    columns: list[str | None] = field(default_factory=list)   # role of each grid column (parse)
    source: str = "text"              # "word", "text" or "scan"

    @property
    def width(self) -> int:
        grid = self.cell_grid()
        return len(grid[0]) if grid else 0

    @classmethod
    def from_dict(cls, d: dict) -> "Table":
        known = {f.name for f in fields(cls)}
        rows = [[TableCell(**{k: v for k, v in c.items() if k in ("text", "rowspan", "colspan")}) for c in row]
                for row in d.get("rows") or []]
        return cls(**{**{k: v for k, v in d.items() if k in known}, "rows": rows})

    def grid(self) -> list[list[str]]:
        """Every row as one text per grid column (a merged cell's text where it reaches)."""
        return [[c.text if c is not None else "" for c in row] for row in self.cell_grid()]

    def cell_grid(self) -> list[list["TableCell | None"]]:
        """Every row as one TableCell per grid column: the cell that covers that place (the same
        object over a merged area), None where no cell reaches."""
        out: list[list[TableCell | None]] = []
        pending: dict[int, tuple[TableCell, int]] = {}        # column -> (cell, rows still covered)
        for row in self.rows:
            placed: list[TableCell | None] = []
            cells = iter(row)
            while True:
                col = len(placed)
                if col in pending:
                    cell, left = pending[col]
                    placed.extend([cell] * cell.colspan)
                    if left > 1:
                        pending[col] = (cell, left - 1)
                    else:
                        del pending[col]
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                if cell.rowspan > 1:
                    pending[col] = (cell, cell.rowspan - 1)
                placed.extend([cell] * max(1, cell.colspan))
            out.append(placed)
        width = max((len(r) for r in out), default=0)
        return [r + [None] * (width - len(r)) for r in out]


# --------------------------------------------------------------------------- geometry

@dataclass(frozen=True)
class Box:
    """A rectangle on a page: pixels of the upright page frame (see the module docstring),
    x0 <= x1 to the right, y0 <= y1 downwards, edges (a 10 px wide word at x=5 is 5..15)."""
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def union(self, other: "Box | None") -> "Box":
        if other is None:
            return self
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def part(self, start: int, end: int, length: int) -> "Box":
        """The share of a word's box that characters start..end of its `length` take, along x
        (a word split by restoration, or by the OCR, gets a proportional split)."""
        if length <= 0 or (start <= 0 and end >= length):
            return self
        w = self.x1 - self.x0
        return Box(self.x0 + round(w * max(start, 0) / length), self.y0,
                   self.x0 + round(w * min(end, length) / length), self.y1)

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]

    @classmethod
    def of(cls, value) -> "Box | None":
        """A Box from [x0, y0, x1, y1] (as written in JSON), or None."""
        return None if value is None else cls(*(int(v) for v in value))


def union_of(boxes) -> Box | None:
    """The smallest box holding every box given (None ones are skipped)."""
    out = None
    for b in boxes:
        if b is not None:
            out = b if out is None else out.union(b)
    return out


@dataclass
class PageInfo:
    """A page as read: the frame its words' boxes are in, and where its text came from."""
    number: int                       # 1-based, in document order
    read: str = "text"                # what was read: "ocr" (the page image, by Tesseract),
                                      # "layer" (a PDF text layer), "text" (a text input: no geometry)
    width: int | None = None          # px of the upright page frame; None for text input
    height: int | None = None
    dpi: float | None = None          # px per inch of that frame (None: unknown)
    rotation: int = 0                 # degrees the source page was turned clockwise to be upright
    why: str | None = None            # why this source was read (e.g. the text layer's verdict)

    def to_dict(self) -> dict:
        return asdict(self)

    def reading(self) -> dict:
        """The page as the plan's `source.reading` lists it."""
        return {"page": self.number, "read": self.read, "why": self.why, "width": self.width,
                "height": self.height, "dpi": self.dpi, "rotation": self.rotation}


# --------------------------------------------------------------------------- ingest

@dataclass
class LayerWord:
    """A word of a PDF page's text layer, where the layer puts it."""
    text: str
    box: Box
    line: int                         # line number on the page, in the layer's order
    block: int = 0


@dataclass
class Page:
    """One page of a source document: an image to OCR, text that needs no OCR, or both (a
    scanned PDF page that carries an older OCR's text layer: the image is read, the layer is a
    second reading of its words). Read by OCR exactly when `image` is set."""
    number: int                       # 1-based, in document order
    image: Any = None                 # numpy uint8 array (grayscale or BGR) when the page is an image
    text: str | None = None           # text of a .txt source or of a PDF page's text layer
    dpi: int | None = None            # resolution from the file's metadata, when it has one
    tables: list[Table] = field(default_factory=list)         # `line` counts within `text`
    styles: dict[int, "LineStyle"] = field(default_factory=dict)   # line of `text` (1-based) -> style
    layer: list[LayerWord] | None = None   # the PDF text layer's words with their boxes
    width: int | None = None          # px of the page frame of `layer` boxes (PDF pages: the page
    height: int | None = None         # at `dpi`, whether or not it was rendered)
    why: str | None = None            # why this page is read as it is (PDF pages: the layer's verdict)


@dataclass
class Document:
    """A source file, read but not yet recognised."""
    path: Path
    kind: str                         # "text", "image", "pdf" or "word"
    sha256: str
    pages: list[Page]
    page_count: int | None = None     # pages in the file: more than len(pages) when a page range was read

    def __post_init__(self):
        if self.page_count is None:
            self.page_count = len(self.pages)


@dataclass(frozen=True)
class LineStyle:
    """How a Word file presented a line: its paragraph style, its outline level (Heading 1 is
    1, from the style or the paragraph's own outline level), all of its text bold, centred,
    numbered by Word's automatic numbering. The parser reads headings partly from these."""
    name: str | None = None
    outline: int | None = None
    bold: bool = False
    centred: bool = False
    numbered: bool = False


# --------------------------------------------------------------------------- ocr

@dataclass
class RawLine:
    """A line of unrestored text. `confidences` has one entry per whitespace-separated word
    (Tesseract's 0-100 word confidence) or is None when the text did not come from OCR; `boxes`
    likewise has each word's Box on its page (None: the text has no geometry). `block` numbers
    the text block (a column, a header cell) the line belongs to on its page."""
    text: str
    page: int = 1
    confidences: list[float] | None = None
    style: LineStyle | None = None    # from a Word file
    boxes: list[Box | None] | None = None
    block: int | None = None
    # another engine's reading of each word, where one exists (a scanner PDF's old text layer
    # over the scan that Tesseract read again; aligned by box, pipeline.ocr.fusion): a second,
    # independent observation that restoration scores candidates against too. None: no such word.
    second: list[str | None] | None = None

    def box(self) -> Box | None:
        return union_of(self.boxes or [])


@dataclass
class RawText:
    lines: list[RawLine]
    ocr_engine: str | None = None     # e.g. "tesseract 5.3.0"; None for text sources
    ocr_lang: str | None = None       # e.g. "vie"
    tables: list[Table] = field(default_factory=list)        # `line` counts within `lines`
    pages: list[PageInfo] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @classmethod
    def from_string(cls, text: str) -> "RawText":
        return cls([RawLine(line) for line in text.split("\n")])


# --------------------------------------------------------------------------- restore

@dataclass
class RestoredToken:
    """One word of a line: what restoration made of it, what the input said, and how sure it is.
    `start`/`end` locate `original` in the input line."""
    text: str
    original: str
    confidence: float                 # 0..1: posterior of the chosen reading
    start: int = 0
    end: int = 0
    ocr_confidence: float | None = None   # Tesseract's word confidence (0-100), when known
    box: Box | None = None            # where it is on its page (its word's box, or the word's share)
    # the restorer's other readings, best first, with their probabilities (the chosen one
    # excluded); empty when there was no choice
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class RestoredLine:
    """A restored line. Its text has the same whitespace-separated words as the original, one
    for one (restoration rewrites words, never splits or joins them), so `boxes` and `block` are
    the raw line's."""
    text: str
    original: str
    tokens: list[RestoredToken] = field(default_factory=list)
    page: int = 1
    style: LineStyle | None = None
    boxes: list[Box | None] | None = None
    block: int | None = None


@dataclass
class PlacedWord:
    """One whitespace-separated word of the restored text, where it stands: the unit of the
    PDF text layer, ALTO's String and the review view."""
    page: int
    line: int                          # index of its line in RestoredText.lines
    index: int                         # its place among the words of that line
    text: str
    original: str                      # what the input had there
    box: Box | None
    confidence: float                  # the lowest restoration posterior of its tokens (0..1)
    ocr_confidence: float | None
    block: int | None
    tokens: list[RestoredToken] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class RestoredText:
    lines: list[RestoredLine]
    condition: str = "clean"          # detected input condition: "legacy", "vietnamese", "clean" or
                                      # "not-vietnamese" (left as it is: pipeline.restore.language)
    tables: list[Table] = field(default_factory=list)        # as the source gave them (RawText.tables)
    pages: list[PageInfo] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def __str__(self) -> str:
        return self.text

    @property
    def tokens(self) -> list[RestoredToken]:
        return [tok for line in self.lines for tok in line.tokens]

    def words(self):
        """Every whitespace-separated word of the restored text, in reading order, with its page,
        box and confidence (PlacedWord)."""
        for li, line in enumerate(self.lines):
            texts, originals = line.text.split(), line.original.split()
            spans = _word_spans(line.original)
            toks = iter(sorted(line.tokens, key=lambda t: t.start))
            tok = next(toks, None)
            for wi, text in enumerate(texts):
                start, end = spans[wi] if wi < len(spans) else (len(line.original), len(line.original))
                mine = []
                while tok is not None and tok.start < end:
                    if tok.start >= start:
                        mine.append(tok)
                    tok = next(toks, None)
                box = line.boxes[wi] if line.boxes and wi < len(line.boxes) else None
                ocr = next((t.ocr_confidence for t in mine if t.ocr_confidence is not None), None)
                yield PlacedWord(page=line.page, line=li, index=wi, text=text,
                                 original=originals[wi] if wi < len(originals) else text, box=box,
                                 confidence=min((t.confidence for t in mine), default=1.0),
                                 ocr_confidence=ocr, block=line.block, tokens=mine)

    def page_info(self, number: int) -> PageInfo | None:
        return next((p for p in self.pages if p.number == number), None)

    # A RestoredText written down and read back whole (words, boxes, alternatives), so that a
    # later step (review, corrections) can regenerate every output without reading the scan again.
    def to_dict(self) -> dict:
        def token(t: RestoredToken) -> dict:
            d = {"text": t.text, "original": t.original, "confidence": t.confidence, "start": t.start, "end": t.end}
            if t.ocr_confidence is not None:
                d["ocr_confidence"] = t.ocr_confidence
            if t.box is not None:
                d["box"] = t.box.as_list()
            if t.alternatives:
                d["alternatives"] = [[a, p] for a, p in t.alternatives]
            return d

        def line(l: RestoredLine) -> dict:
            d = {"text": l.text, "original": l.original, "page": l.page, "tokens": [token(t) for t in l.tokens]}
            if l.boxes is not None:
                d["boxes"] = [b.as_list() if b is not None else None for b in l.boxes]
            if l.block is not None:
                d["block"] = l.block
            if l.style is not None:
                d["style"] = asdict(l.style)
            return d
        out = {"condition": self.condition, "pages": [p.to_dict() for p in self.pages],
               "lines": [line(l) for l in self.lines]}
        if self.tables:
            out["tables"] = [asdict(t) for t in self.tables]
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "RestoredText":
        def token(t: dict) -> RestoredToken:
            return RestoredToken(text=t["text"], original=t["original"], confidence=t["confidence"],
                                 start=t.get("start", 0), end=t.get("end", 0), ocr_confidence=t.get("ocr_confidence"),
                                 box=Box.of(t.get("box")), alternatives=[(a, p) for a, p in t.get("alternatives") or []])

        def line(l: dict) -> RestoredLine:
            boxes = l.get("boxes")
            style = l.get("style")
            return RestoredLine(text=l["text"], original=l["original"], page=l.get("page", 1),
                                tokens=[token(t) for t in l.get("tokens") or []],
                                boxes=[Box.of(b) for b in boxes] if boxes is not None else None, block=l.get("block"),
                                style=LineStyle(**style) if style else None)
        known = {f.name for f in fields(PageInfo)}
        return cls(lines=[line(l) for l in d.get("lines") or []], condition=d.get("condition", "clean"),
                   pages=[PageInfo(**{k: v for k, v in p.items() if k in known}) for p in d.get("pages") or []],
                   tables=[Table.from_dict(t) for t in d.get("tables") or []])


def _word_spans(text: str) -> list[tuple[int, int]]:
    import re
    return [m.span() for m in re.finditer(r"\S+", text)]


# --------------------------------------------------------------------------- parse

@dataclass
class Source:
    path: str
    sha256: str
    kind: str                          # "text", "image", "pdf" or "word"
    pages: int
    ocr: dict | None = None            # {"engine": ..., "lang": ...} when OCR was run
    # per page: what was read (ocr / layer / text) and why, and the page frame the words' boxes
    # are in (PageInfo.reading)
    reading: list[dict] = field(default_factory=list)


@dataclass
class Header:
    """The header block of Decree 30/2020/NĐ-CP and the signature block at the end."""
    issuer: str | None = None
    issuer_parent: str | None = None   # the body above the issuer ("UBND HUYỆN X" above "UBND XÃ Y")
    number: str | None = None          # số và ký hiệu as printed: "15/KH-UBND"; "/KH-UBND" when the
                                       # (handwritten) number cannot be read
    place: str | None = None
    date: str | None = None            # ISO 8601, at the precision that is legible: "2025-01-10",
                                       # "2025-01" (day illegible), "2025"
    doc_type: str | None = None        # "KẾ HOẠCH", "BÁO CÁO", "QUYẾT ĐỊNH" ...; "CÔNG VĂN" for a
                                       # letter (no type word; recognised by its "V/v")
    signer: str | None = None
    signer_title: str | None = None    # the signer's own title line ("PHÓ CHỦ TỊCH")
    summary: str | None = None         # trích yếu: the title under the type word, or a công văn's
                                       # "V/v ..." without "V/v"
    code_number: str | None = None     # số: "15" of "15/KH-UBND", "42" of "42-KH/ĐU"
    code_notation: str | None = None   # ký hiệu: "KH-UBND", "KH/ĐU", "2023/NĐ-CP"
    authority: str | None = None       # the "on behalf of" lines above the title: "KT. CHỦ TỊCH",
                                       # "TM. ỦY BAN NHÂN DÂN" (TM./KT./TL./TUQ./Q.)
    unsure: list[str] = field(default_factory=list)   # names of the fields above read with doubt
                                       # (handwriting, damage, low OCR confidence): check them


@dataclass
class Section:
    number: str | None                 # as written: "I", "1", "1.1", "a"; None for a heading without one
    title: str | None = None
    text: str = ""
    children: list[Section] = field(default_factory=list)
    line: int | None = None
    items: list[str] = field(default_factory=list)      # its list items ("-", "+" bullets), in order
    number_inferred: bool = False      # the number is not in the text: the outline gives it (see parse.outline)


@dataclass
class Goal:
    kind: str                          # "purpose" or "requirement"
    text: str
    line: int | None = None


@dataclass
class Place:
    """Where a target is stated: a line of the text, and the table and row when it is a row of
    a table (`table` indexes Plan.tables, `row` that table's rows)."""
    line: int | None
    table: int | None = None
    row: int | None = None


@dataclass
class Target:
    number: int | str | None
    indicator: str
    value: float | int | None
    unit: str | None = None
    value_max: float | int | None = None
    qualifier: str | None = None
    raw: str = ""
    breakdown: list[Target] = field(default_factory=list)
    line: int | None = None
    previous: float | int | None = None    # the earlier period's value a table gives beside it
    source: str = "body"                   # "body" (the text) or "table" (first stated in a table)
    places: list[Place] = field(default_factory=list)   # every place it is stated (a Phụ lục restating the body)


@dataclass
class Task:
    number: str | None
    text: str
    line: int | None = None


@dataclass
class Assignment:
    number: int | str | None
    assignee: str                      # the body that leads (chủ trì)
    responsibility: str = ""
    deadline: str | None = None        # ISO date when the text gives one
    line: int | None = None
    co_assignees: list[str] = field(default_factory=list)   # partner bodies (phối hợp)
    product: str | None = None         # what is to be delivered (sản phẩm), when stated
    source: str = "body"               # "body" (the text) or "table" (a row of a task table)


@dataclass
class Reference:
    kind: str                          # "Chỉ thị", "Nghị quyết", "Luật" ...
    number: str | None = None          # "26-CT/TU"
    date: str | None = None            # ISO
    issuer: str | None = None
    title: str | None = None
    line: int | None = None


@dataclass
class LowConfidenceWord:
    line: int
    text: str
    original: str
    confidence: float


@dataclass
class Quality:
    tokens: int = 0
    changed: int = 0
    low_confidence: list[LowConfidenceWord] = field(default_factory=list)
    mean_confidence: float | None = None
    condition: str | None = None      # RestoredText.condition: what restoration took the text for
    warnings: list[str] = field(default_factory=list)   # what a reviewer must know (not Vietnamese ...)


@dataclass
class Plan:
    source: Source
    header: Header = field(default_factory=Header)
    title: str | None = None
    year: int | None = None
    locality: str | None = None
    theme: str | None = None
    sections: list[Section] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    quality: Quality = field(default_factory=Quality)
    tables: list[Table] = field(default_factory=list)
    schema: str = PLAN_SCHEMA

    def to_dict(self) -> dict:
        """The sohoa.plan/1 JSON document (keys in contract order; `tables`, added later, last)."""
        d = asdict(self)
        order = ["schema", "source", "header", "title", "year", "locality", "theme", "sections",
                 "goals", "targets", "tasks", "assignments", "references", "recipients", "quality",
                 "tables"]
        return {k: d[k] for k in order}

    @classmethod
    def from_dict(cls, d: dict) -> "Plan":
        """Read a plan JSON written by `to_dict` (unknown keys are ignored)."""
        def build(kind, data):
            if data is None:
                return None
            known = {f.name for f in fields(kind)}
            return kind(**{k: v for k, v in data.items() if k in known})

        def section(s):
            s = dict(s)
            s["children"] = [section(c) for c in s.get("children") or []]
            return build(Section, s)

        def target(t):
            t = dict(t)
            t["breakdown"] = [target(b) for b in t.get("breakdown") or []]
            t["places"] = [build(Place, p) for p in t.get("places") or []]
            return build(Target, t)


        q = dict(d.get("quality") or {})
        q["low_confidence"] = [build(LowConfidenceWord, w) for w in q.get("low_confidence") or []]
        return cls(
            source=build(Source, d.get("source") or {"path": "", "sha256": "", "kind": "text", "pages": 0}),
            header=build(Header, d.get("header") or {}),
            title=d.get("title"), year=d.get("year"), locality=d.get("locality"), theme=d.get("theme"),
            sections=[section(s) for s in d.get("sections") or []],
            goals=[build(Goal, g) for g in d.get("goals") or []],
            targets=[target(t) for t in d.get("targets") or []],
            tasks=[build(Task, t) for t in d.get("tasks") or []],
            assignments=[build(Assignment, a) for a in d.get("assignments") or []],
            references=[build(Reference, r) for r in d.get("references") or []],
            recipients=list(d.get("recipients") or []),
            tables=[Table.from_dict(t) for t in d.get("tables") or []],
            quality=build(Quality, q),
            schema=d.get("schema", PLAN_SCHEMA),
        )
