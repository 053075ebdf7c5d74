"""The data that flows between the stages.

    ingest  -> Document (pages: images or text; a Word file's tables as Tables)
    ocr     -> RawText  (lines of text, with Tesseract word confidences when read from an image)
    restore -> RestoredText (lines of tokens: restored text, original text, confidence)
    parse   -> Plan     (the sohoa.plan/1 document)

A table travels as text rows (`cell | cell | cell`, one line per row, so every stage can read
and restore it as text) and, when its source knew more (a Word file's merged cells, a cell's
own line breaks), as a `Table` that names the line of its first row.

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


# --------------------------------------------------------------------------- ingest

@dataclass
class Page:
    """One page of a source document: an image to OCR, or text that needs no OCR."""
    number: int                       # 1-based, in document order
    image: Any = None                 # numpy uint8 array (grayscale or BGR) when the page is an image
    text: str | None = None           # text of a .txt source or of a PDF page's text layer
    dpi: int | None = None            # resolution from the file's metadata, when it has one
    tables: list[Table] = field(default_factory=list)         # `line` counts within `text`
    styles: dict[int, "LineStyle"] = field(default_factory=dict)   # line of `text` (1-based) -> style


@dataclass
class Document:
    """A source file, read but not yet recognised."""
    path: Path
    kind: str                         # "text", "image", "pdf" or "word"
    sha256: str
    pages: list[Page]


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
    (Tesseract's 0-100 word confidence) or is None when the text did not come from OCR."""
    text: str
    page: int = 1
    confidences: list[float] | None = None
    style: LineStyle | None = None    # from a Word file


@dataclass
class RawText:
    lines: list[RawLine]
    ocr_engine: str | None = None     # e.g. "tesseract 5.3.0"; None for text sources
    ocr_lang: str | None = None       # e.g. "vie"
    tables: list[Table] = field(default_factory=list)        # `line` counts within `lines`

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

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class RestoredLine:
    text: str
    original: str
    tokens: list[RestoredToken] = field(default_factory=list)
    page: int = 1
    style: LineStyle | None = None


@dataclass
class RestoredText:
    lines: list[RestoredLine]
    condition: str = "clean"          # detected input condition: "legacy", "vietnamese" or "clean"
    tables: list[Table] = field(default_factory=list)        # as the source gave them (RawText.tables)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def __str__(self) -> str:
        return self.text

    @property
    def tokens(self) -> list[RestoredToken]:
        return [tok for line in self.lines for tok in line.tokens]


# --------------------------------------------------------------------------- parse

@dataclass
class Source:
    path: str
    sha256: str
    kind: str                          # "text", "image", "pdf" or "word"
    pages: int
    ocr: dict | None = None            # {"engine": ..., "lang": ...} when OCR was run


@dataclass
class Header:
    """The header block of Decree 30/2020/NĐ-CP."""
    issuer: str | None = None
    issuer_parent: str | None = None   # the body above the issuer ("UBND HUYỆN X" above "UBND XÃ Y")
    number: str | None = None          # "15/KH-UBND"
    place: str | None = None
    date: str | None = None            # ISO 8601
    doc_type: str | None = None        # "KẾ HOẠCH", "BÁO CÁO", "QUYẾT ĐỊNH" ...
    signer: str | None = None
    signer_title: str | None = None


@dataclass
class Section:
    number: str | None                 # as written: "I", "1", "1.1", "a", "-"
    title: str | None = None
    text: str = ""
    children: list[Section] = field(default_factory=list)
    line: int | None = None


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

        def table(t):
            t = dict(t)
            t["rows"] = [[build(TableCell, c) for c in row] for row in t.get("rows") or []]
            return build(Table, t)

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
            tables=[table(t) for t in d.get("tables") or []],
            quality=build(Quality, q),
            schema=d.get("schema", PLAN_SCHEMA),
        )
