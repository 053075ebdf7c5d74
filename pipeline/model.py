"""The data that flows between the stages.

    ingest  -> Document (pages: images or text)
    ocr     -> RawText  (lines of text, with Tesseract word confidences when read from an image)
    restore -> RestoredText (lines of tokens: restored text, original text, confidence)
    parse   -> Plan     (the sohoa.plan/1 document)

Plain dataclasses, no behaviour beyond small conveniences, so every stage can be called and
tested on its own. `Plan.to_dict()` is the JSON contract of DESIGN.md; `Plan.from_dict()` reads
it back (for `sohoa diff` and `sohoa targets` on written plans).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

PLAN_SCHEMA = "sohoa.plan/1"


# --------------------------------------------------------------------------- ingest

@dataclass
class Page:
    """One page of a source document: an image to OCR, or text that needs no OCR."""
    number: int                       # 1-based, in document order
    image: Any = None                 # numpy uint8 array (grayscale or BGR) when the page is an image
    text: str | None = None           # text of a .txt source or of a PDF page's text layer
    dpi: int | None = None            # resolution from the file's metadata, when it has one


@dataclass
class Document:
    """A source file, read but not yet recognised."""
    path: Path
    kind: str                         # "text", "image" or "pdf"
    sha256: str
    pages: list[Page]


# --------------------------------------------------------------------------- ocr

@dataclass
class RawLine:
    """A line of unrestored text. `confidences` has one entry per whitespace-separated word
    (Tesseract's 0-100 word confidence) or is None when the text did not come from OCR."""
    text: str
    page: int = 1
    confidences: list[float] | None = None


@dataclass
class RawText:
    lines: list[RawLine]
    ocr_engine: str | None = None     # e.g. "tesseract 5.3.0"; None for text sources
    ocr_lang: str | None = None       # e.g. "vie"

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


@dataclass
class RestoredText:
    lines: list[RestoredLine]
    condition: str = "clean"          # detected input condition: "legacy", "vietnamese", "clean" or
                                      # "not-vietnamese" (left as it is: pipeline.restore.language)

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
    kind: str                          # "text", "image" or "pdf"
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


@dataclass
class Task:
    number: str | None
    text: str
    line: int | None = None


@dataclass
class Assignment:
    number: int | str | None
    assignee: str
    responsibility: str = ""
    deadline: str | None = None        # ISO date when the text gives one
    line: int | None = None


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
    schema: str = PLAN_SCHEMA

    def to_dict(self) -> dict:
        """The sohoa.plan/1 JSON document (keys in contract order)."""
        d = asdict(self)
        order = ["schema", "source", "header", "title", "year", "locality", "theme", "sections",
                 "goals", "targets", "tasks", "assignments", "references", "recipients", "quality"]
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
            quality=build(Quality, q),
            schema=d.get("schema", PLAN_SCHEMA),
        )
