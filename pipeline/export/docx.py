"""The plan as a DOCX laid out as Decree 30/2020/NĐ-CP presents an administrative document.

    header block  (docx_tables.write_header_block: issuer / motto, number / place and date)
    document type and title, centred and bold
    body          (the restored text joined into paragraphs: paragraphs.build_paragraphs;
                   headings I., 1., 1.1. as Heading 1-3; the list of targets and the list of
                   assignments replaced by their tables)
    closing       (docx_tables.write_closing_block: Nơi nhận left, signature right)

docx_layout decides which lines of the restored text the header and closing print; docx_styles
holds the page set-up and the named styles. With `review=True`, every word restoration changed
with low confidence is highlighted and carries a comment with the OCR text it came from.
"""
from __future__ import annotations

import re
from pathlib import Path

from dataclasses import dataclass

from ..model import Assignment, Plan, RestoredText, RestoredToken, Section, Table, Target
from .atomic import atomic_path
from .docx_layout import analyse_layout, fold
from .docx_styles import add_paragraph
from .paragraphs import Paragraph, Span, build_paragraphs, heading_levels, roman_label, typical_width
from .vnformat import format_number

REVIEW_AUTHOR, REVIEW_INITIALS = "sohoa", "SH"
_ITEM_KINDS = ("number", "letter", "bullet")


def write_docx(plan: Plan, restored: RestoredText, dest: str | Path, *, review: bool = False) -> Path:
    from docx import Document

    from .docx_styles import setup_document

    doc = Document()
    setup_document(doc)
    _DocxWriter(doc, plan, restored, review).write()
    with atomic_path(dest) as tmp:
        doc.save(str(tmp))
    return Path(dest)


# Word's core properties (title, subject, author) hold at most 255 characters; python-docx
# refuses more. They are metadata: a title that ran on into the first paragraph is cut, never
# a reason to fail the document.
CORE_PROPERTY_MAX = 255


def core_property(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= CORE_PROPERTY_MAX else text[:CORE_PROPERTY_MAX - 1].rstrip() + "…"


# --------------------------------------------------------------------------- review marks

def flagged_tokens(plan: Plan, restored: RestoredText) -> dict[int, RestoredToken]:
    """The tokens a reviewer should check: changed by restoration and listed as low-confidence
    in the plan's quality block (the same list the JSON carries), keyed by id()."""
    quality = plan.quality
    if not quality.tokens and restored.tokens:          # a plan built without its quality block
        from ..restore.quality import quality_of
        quality = quality_of(restored)
    flagged: dict[int, RestoredToken] = {}
    for word in quality.low_confidence:
        if not 1 <= word.line <= len(restored.lines):
            continue
        same = [t for t in restored.lines[word.line - 1].tokens
                if id(t) not in flagged and t.text == word.text and t.original == word.original]
        # A line may hold the same change twice, one sure and one not: the confidence tells them apart.
        tok = next((t for t in same if abs(t.confidence - word.confidence) < 5e-4), same[0] if same else None)
        if tok is not None and tok.changed:
            flagged[id(tok)] = tok
    return flagged


def _comment_text(tok: RestoredToken) -> str:
    text = f"OCR: «{tok.original}» → «{tok.text}», độ tin cậy {format_number(round(tok.confidence, 2))}"
    if tok.ocr_confidence is not None:
        text += f"; Tesseract {tok.ocr_confidence:.0f}/100"
    return text


# --------------------------------------------------------------------------- the writer

class _DocxWriter:
    def __init__(self, doc, plan: Plan, restored: RestoredText, review: bool):
        self.doc, self.plan, self.restored, self.review = doc, plan, restored, review
        self.flagged = flagged_tokens(plan, restored) if review else {}
        self.width = typical_width(l.text for l in restored.lines)
        self.levels: dict[int, int] = {}                  # outline rank -> heading level

    # ---- text with review marks

    def write_spans(self, par, text: str, spans: list[Span]) -> None:
        """`text` as runs of `par`; flagged words become highlighted runs with a comment."""
        from docx.enum.text import WD_COLOR_INDEX

        pos = 0
        for span in sorted(spans, key=lambda s: s.start):
            if id(span.token) not in self.flagged or span.start < pos or span.end > len(text):
                continue
            if span.start > pos:
                par.add_run(text[pos:span.start])
            run = par.add_run(text[span.start:span.end])
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            self.doc.add_comment(run, text=_comment_text(span.token), author=REVIEW_AUTHOR,
                                 initials=REVIEW_INITIALS)
            pos = span.end
        if pos < len(text):
            par.add_run(text[pos:])

    def text_writer(self, source: list[Paragraph]):
        """A writer for table cells whose text comes from `source` paragraphs: flagged words of
        those paragraphs are found again by their text, on the row's own source line when the
        caller gives it, and each is marked once."""
        flagged = [(s.token, s.line) for p in source for s in p.spans if id(s.token) in self.flagged]
        used: set[int] = set()

        def write(par, text: str, line: int | None = None) -> None:
            spans, taken = [], set()
            for tok, tok_line in flagged:
                if id(tok) in used or (line is not None and tok_line != line):
                    continue
                for m in re.finditer(rf"(?<!\w){re.escape(tok.text)}(?!\w)", text):
                    if m.start() not in taken:
                        spans.append(Span(m.start(), m.end(), tok, 0))
                        taken.add(m.start())
                        used.add(id(tok))
                        break
            self.write_spans(par, text, spans)
        return write

    # ---- parts

    def write(self) -> None:
        from .docx_tables import write_closing_block, write_header_block

        plan, lines = self.plan, self.restored.lines
        layout = analyse_layout(plan, self.restored)
        self._properties()
        front = self.text_writer([self._single(n) for n in layout.front])
        if layout.header_block:
            write_header_block(self.doc, plan.header, front, party=layout.party)
        self._title(front)
        extra_front = self._joined(layout.front_extra)
        body = self._pieces(layout.body)
        extra_closing = self._joined(layout.closing_extra)
        self._body(extra_front + body + extra_closing)
        if layout.recipients or layout.signature:
            # The closing block stays on the page of the last paragraph (never alone on a page).
            if self.doc.paragraphs and self.doc.element.body[-2] is self.doc.paragraphs[-1]._p:
                self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
            add_paragraph(self.doc, "Body Text").paragraph_format.keep_with_next = True
            source = [self._single(n) for n in range(layout.body.stop, (layout.annex.start or len(lines) + 1))]
            write_closing_block(self.doc, layout.recipients, layout.signature, self.text_writer(source))
        if layout.annex:
            # The annexes (PHỤ LỤC) follow the signature, on a page of their own, as typed.
            from docx.enum.text import WD_BREAK
            add_paragraph(self.doc, "Body Text").add_run().add_break(WD_BREAK.PAGE)
            self._body(self._pieces(layout.annex), summaries=False)

    def _pieces(self, numbers: range) -> list:
        """The lines `numbers` as paragraphs, with each table of the plan that starts there as
        one TablePiece in place of its rows."""
        lines = self.restored.lines
        starts = {t.line: t for t in self.plan.tables if t.line and t.rows}
        out: list = []
        run: list[int] = []

        def flush():
            if run:
                out.extend(build_paragraphs([lines[n - 1] for n in run], first_number=run[0],
                                            force_breaks=_section_lines(self.plan.sections), width=self.width))
                run.clear()
        skip_until = 0
        for n in numbers:
            if n < skip_until:
                continue
            if n in starts:
                flush()
                table = starts[n]
                out.append(TablePiece(table, n, n + len(table.rows) - 1))
                skip_until = n + len(table.rows)
                continue
            if run and n != run[-1] + 1:
                flush()
            run.append(n)
        flush()
        return out

    def _joined(self, numbers: list[int]) -> list[Paragraph]:
        """Paragraphs of scattered lines (the front's and closing's leftovers), each run of
        consecutive lines joined as the body's are."""
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        return [p for run in runs for p in build_paragraphs(
            [self.restored.lines[n - 1] for n in run], first_number=run[0], width=self.width)]

    def _single(self, number: int) -> Paragraph:
        return build_paragraphs([self.restored.lines[number - 1]], first_number=number)[0] \
            if self.restored.lines[number - 1].text.strip() else Paragraph("", number, number)

    def _properties(self) -> None:
        props = self.doc.core_properties
        props.title = core_property(self.plan.title)
        props.subject = core_property(self.plan.header.doc_type)
        props.author = core_property(self.plan.header.issuer)
        props.language = "vi-VN"
        props.comments = "sohoa"

    def _title(self, write) -> None:
        from .docx_styles import TEXT_WIDTH_MM
        from .docx_tables import add_rule, is_cong_van

        h = self.plan.header
        if is_cong_van(h):
            add_paragraph(self.doc, "Body Text")   # its summary is printed under its number
            return
        if h.doc_type:
            write(add_paragraph(self.doc, "Document Type"), h.doc_type.upper())
        if self.plan.title:
            par = add_paragraph(self.doc, "Title")
            if not h.doc_type:
                par.paragraph_format.space_before = self.doc.styles["Document Type"].paragraph_format.space_before
            write(par, self.plan.title)
        if h.doc_type or self.plan.title:
            add_rule(self.doc, 4.0, TEXT_WIDTH_MM / 10)
            add_paragraph(self.doc, "Body Text")

    def _body(self, paragraphs: list, *, summaries: bool = True) -> None:
        """Paragraphs and tables in order. With `summaries`, the list items that hold the
        plan's targets (and the items of its assignments) are replaced by one table of them,
        where they form one list; targets and assignments spread over the plan stay as text in
        their sections (a table of them would move text out of its place)."""
        plan = self.plan
        sections = {s.line: (s, depth) for s, depth in _walk(plan.sections) if s.line}
        targets = [t for t in plan.targets if t.source == "body"] if summaries else []
        assignments = [a for a in plan.assignments if a.source == "body"] if summaries else []
        targets_at, target_pars = _anchor(paragraphs, _target_lines(targets), _target_raws(targets))
        assign_at, assign_pars = _anchor(paragraphs, {a.line for a in assignments if a.line}, set())
        if not _one_list(paragraphs, target_pars or _holding(paragraphs, _target_lines(targets))):
            targets, targets_at, target_pars = [], None, []
        if not _one_list(paragraphs, assign_pars or _holding(paragraphs, {a.line for a in assignments if a.line})):
            assignments, assign_at, assign_pars = [], None, []
        if targets and targets_at is None:
            targets_at = _after_heading(paragraphs, "chi tieu")
        if assignments and assign_at is None:
            assign_at = _after_heading(paragraphs, "to chuc thuc hien")
        skip = set(target_pars) | set(assign_pars)
        # Headings come from the text, not from the plan's sections: a parser may give every
        # numbered item a section whose title is the item's text.
        self.levels = heading_levels(p.marker for p in paragraphs if p.marker and p.heading)

        for i, par in enumerate(paragraphs):
            if i == targets_at and targets:
                self._targets_table([paragraphs[j] for j in target_pars], targets)
            if i == assign_at and assignments:
                self._assignments_table([paragraphs[j] for j in assign_pars], assignments)
            if isinstance(par, TablePiece):
                self._plan_table(par)
                continue
            if i in skip or not par.text:
                continue
            self._paragraph(par, sections.get(par.first_line))
        end = len(paragraphs)
        if targets and (targets_at is None or targets_at >= end):
            self._targets_table([paragraphs[j] for j in target_pars], targets)
        if assignments and (assign_at is None or assign_at >= end):
            self._assignments_table([paragraphs[j] for j in assign_pars], assignments)

    def _plan_table(self, piece: "TablePiece") -> None:
        from .docx_tables import write_plan_table
        source = [self._single(n) for n in range(piece.first_line, piece.last_line + 1)]
        write_plan_table(self.doc, piece.table, self.text_writer(source))
        add_paragraph(self.doc, "Body Text")

    def _paragraph(self, par: Paragraph, section: tuple[Section, int] | None) -> None:
        text, spans, marker = par.text, par.spans, par.marker
        style = "Body Text"
        if marker and marker.kind == "roman":
            # Print the numeral the parser read (or the OCR look-alike read as one: `HI.` -> `III.`).
            number = str(section[0].number or "") if section else ""
            label = number if roman_label(number) == number and number else marker.label
            head = f"{label}. "
            shift = len(head) - marker.end
            text = head + text[marker.end:]
            spans = [Span(s.start + shift, s.end + shift, s.token, s.line) for s in spans if s.start >= marker.end]
        heading = par.heading
        unnumbered = marker is None and section is not None and bool(section[0].title) \
            and (section[0].number is None or section[0].number_inferred)
        if unnumbered:
            style = f"Heading {min(section[1], 3)}"    # a heading without a number (Word's numbering lost)
        elif heading and marker is None:
            style = "Heading Unnumbered"      # `PHỤ LỤC`; not an outline level of its own
        elif heading:
            style = f"Heading {self.levels.get(marker.rank, 3)}"
        elif marker and marker.kind in _ITEM_KINDS:
            style = "List Paragraph"
        self.write_spans(add_paragraph(self.doc, style), text, spans)

    def _targets_table(self, source: list[Paragraph], targets: list[Target]) -> None:
        from .docx_tables import write_targets_table
        write_targets_table(self.doc, targets, self.text_writer(source))
        add_paragraph(self.doc, "Body Text")

    def _assignments_table(self, source: list[Paragraph], assignments: list[Assignment]) -> None:
        from .docx_tables import write_assignments_table
        by_line: dict[int, list[Assignment]] = {}
        for a in assignments:
            by_line.setdefault(a.line, []).append(a)
        rows = []
        for a in assignments:
            par = next((p for p in source if a.line in p.lines), None)
            if par is not None and len(by_line[a.line]) == 1:
                what = _task_text(par.body, a.assignee)           # the whole item: nothing lost
            else:
                what = a.responsibility
            rows.append((a, what))
        write_assignments_table(self.doc, rows, self.text_writer(source))
        add_paragraph(self.doc, "Body Text")


# --------------------------------------------------------------------------- helpers

@dataclass
class TablePiece:
    """A table of the plan standing among the body's paragraphs (its rows are lines
    first_line..last_line of the restored text)."""
    table: Table
    first_line: int
    last_line: int
    marker: None = None
    heading: bool = False
    text: str = ""

    @property
    def lines(self) -> range:
        return range(self.first_line, self.last_line + 1)


def _holding(paragraphs: list, lines: set[int]) -> list[int]:
    """Indexes of the paragraphs that hold any of `lines`."""
    return [i for i, p in enumerate(paragraphs) if lines.intersection(p.lines)]


def _one_list(paragraphs: list, picked: list[int]) -> bool:
    """Are the picked paragraphs one list: no heading nor table between the first and the last?"""
    if not picked:
        return True
    between = paragraphs[picked[0]:picked[-1] + 1]
    return not any(isinstance(p, TablePiece) or (p.heading and i + picked[0] not in picked)
                   for i, p in enumerate(between))

def _walk(sections: list[Section], depth: int = 1):
    for s in sections:
        yield s, depth
        yield from _walk(s.children, depth + 1)


def _section_lines(sections: list[Section]) -> set[int]:
    return {s.line for s, _ in _walk(sections) if s.line}


def _target_lines(targets: list[Target]) -> set[int]:
    out = set()
    for t in targets:
        if t.line:
            out.add(t.line)
        out |= _target_lines(t.breakdown)
    return out


def _target_raws(targets: list[Target]) -> set[str]:
    """Source text of targets that carry no line number, to find their paragraphs by."""
    return {fold(t.raw) for t in targets if not t.line and len(fold(t.raw)) >= 6}


def _anchor(paragraphs: list[Paragraph], lines: set[int], raws: set[str]) -> tuple[int | None, list[int]]:
    """The list items that hold these lines (or raw texts): where the table goes, and which
    paragraphs it replaces. Running text that mentions a target stays as text."""
    hits = []
    for i, par in enumerate(paragraphs):
        if not par.marker or par.marker.kind not in _ITEM_KINDS or par.heading:
            continue
        if lines.intersection(par.lines) or (raws and any(r in fold(par.text) for r in raws)):
            hits.append(i)
    if hits:
        return hits[0], hits
    # Targets found inside running text: the table follows the first such paragraph.
    for i, par in enumerate(paragraphs):
        if lines.intersection(par.lines):
            return i + 1, []
    return None, []


def _after_heading(paragraphs: list[Paragraph], words: str) -> int | None:
    """Just after the heading whose text has `words` (folded), e.g. `chi tieu`."""
    for i, par in enumerate(paragraphs):
        if par.heading and words in fold(par.text):
            return i + 1
    return None


def _task_text(body: str, assignee: str) -> str:
    """An assignment item without its leading assignee: 'X có trách nhiệm ...' -> 'Có trách nhiệm ...'."""
    if assignee and fold(body).startswith(fold(assignee)):
        # Walk forward over as many words as the assignee has.
        words = len(assignee.split())
        rest = body.split(None, words)[words:] if len(body.split()) > words else []
        text = (rest[0] if rest else "").lstrip(",;: ").strip()
        if text:
            return text[0].upper() + text[1:]
    return body
