"""Tables of the DOCX: the header block and the closing block (borderless layout tables), and
the targets and assignments tables (ruled, with a header row repeated on every page)."""
from __future__ import annotations

import re
from typing import Callable

from ..model import Assignment, Header, Target
from .docx_layout import MOTTO, PARTY_MOTTO, Signature
from .docx_styles import LAYOUT_TABLE_STYLE, TABLE_STYLE, add_paragraph, set_border, styled
from .vnformat import format_place_date, format_value

# (paragraph, cell text[, source line]) -> None: writes text into a paragraph, with review marks
# when asked; given the row's source line, only that line's flagged words are marked there.
TextWriter = Callable[..., None]

# Column widths add up to the text width (16.3 cm: A4 less the margins of docx_styles).
HEADER_COLUMNS_CM = (6.8, 9.5)     # the motto line in 12 pt bold needs 8.8 cm
ISSUER_PT = 12                     # Decree 30: issuer names 12-13 pt; 12 keeps "UBND HUYỆN ..." on one line
CLOSING_COLUMNS_CM = (7.0, 9.3)
TARGET_COLUMNS_CM = (1.2, 9.1, 3.4, 2.6)
ASSIGNMENT_COLUMNS_CM = (1.2, 5.0, 7.4, 2.7)
CELL_PADDING_CM = 0.3             # left + right cell margins of the table styles
SIGNING_SPACE_LINES = 3           # room for the hand signature and the seal
ISSUER_LINE_CHARS = 22            # what fits on one line of the issuer column in 13 pt bold
# A long issuer name is broken before its administrative unit, as typed documents do:
# "ỦY BAN NHÂN DÂN" / "XÃ TÂN PHONG" (the unit words of the Law on Local Government, 2015).
_UNIT_BREAK = re.compile(r"\s(?=(XÃ|PHƯỜNG|THỊ TRẤN|THỊ XÃ|HUYỆN|QUẬN|THÀNH PHỐ|TỈNH)\s)")


def _new_table(doc, rows: int, widths_cm, style: str):
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = doc.styles[style]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False                       # w:tblLayout fixed: the widths below hold
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))   # a row never breaks across pages
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    for col, width in zip(table.columns, widths_cm):
        col.width = Cm(width)
    return table


def _first_paragraph(cell, style: str):
    return styled(cell.paragraphs[0], style)


def add_rule(container, width_cm: float, avail_cm: float):
    """The short centred line Decree 30 draws under the issuer, the motto and the title:
    a bottom border on an otherwise empty paragraph narrowed by equal indents."""
    from docx.shared import Cm

    par = add_paragraph(container, "Rule")
    side = max(0.0, (avail_cm - width_cm) / 2)
    par.paragraph_format.left_indent = par.paragraph_format.right_indent = Cm(side)
    set_border(par._p.get_or_add_pPr(), "pBdr", {"bottom": "single"})
    return par


def issuer_lines(name: str) -> tuple[str, str]:
    """Split an issuer name too long for its column into two lines: before its administrative
    unit ("ỦY BAN NHÂN DÂN" / "XÃ TÂN PHONG"), else at the space nearest the middle
    ("PHÒNG GIÁO DỤC" / "VÀ ĐÀO TẠO"); (name, "") when it fits on one line."""
    if len(name) <= ISSUER_LINE_CHARS or " " not in name:
        return name, ""
    m = _UNIT_BREAK.search(name)
    if m:
        return name[:m.start()], name[m.end():]
    spaces = [i for i, c in enumerate(name) if c == " "]
    at = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:at], name[at + 1:]


def is_cong_van(header: Header) -> bool:
    """A công văn (letter): no type word printed; its summary goes under its number."""
    return (header.doc_type or "").upper() == "CÔNG VĂN"


def write_header_block(doc, header: Header, write: TextWriter, *, party: bool = False) -> None:
    """Issuer (with its parent body above) left, national motto right; number left, place and date
    right. A Party document has `ĐẢNG CỘNG SẢN VIỆT NAM` (underlined) in the motto's place, a
    star under the issuer and `Số 42-KH/ĐU` without a colon."""
    from docx.shared import Pt

    dated = format_place_date(header.place, header.date)
    rows = 2 if (header.number or dated or (is_cong_van(header) and header.summary)) else 1
    table = _new_table(doc, rows, HEADER_COLUMNS_CM, LAYOUT_TABLE_STYLE)
    left, right = table.rows[0].cells
    avail_left = HEADER_COLUMNS_CM[0] - CELL_PADDING_CM
    avail_right = HEADER_COLUMNS_CM[1] - CELL_PADDING_CM

    par = _first_paragraph(left, "Header Block")
    lines = [(header.issuer_parent, False), (header.issuer, True)]
    first = True
    for text, bold in lines:
        if not text:
            continue
        if not first:
            par = add_paragraph(left, "Header Block")
        head, tail = issuer_lines(text.upper())
        if tail:
            write(par, head)
            par.runs[-1].add_break()
        write(par, tail or head)
        for run in par.runs:
            run.bold, run.font.size = bold, Pt(ISSUER_PT)
        first = False
    if (header.issuer or header.issuer_parent) and party:
        add_paragraph(left, "Header Block").add_run("*")
    elif header.issuer or header.issuer_parent:
        add_rule(left, 2.5, avail_left)

    par = _first_paragraph(right, "Header Block")
    if party:
        run = par.add_run(PARTY_MOTTO[0])
        run.bold, run.underline, run.font.size = True, True, Pt(14)
    else:
        run = par.add_run(MOTTO[0])
        run.bold, run.font.size = True, Pt(12)
        run = add_paragraph(right, "Header Block").add_run(MOTTO[1])
        run.bold, run.font.size = True, Pt(13)
        add_rule(right, 6.0, avail_right)

    if rows == 2:
        left, right = table.rows[1].cells
        if header.number:
            number = re.sub(r"^\s*Số\s*:?\s*", "", header.number, flags=re.IGNORECASE)
            write(_first_paragraph(left, "Header Block"), f"Số {number}" if party else f"Số: {number}")
        if is_cong_van(header) and header.summary:
            # Decree 30: a công văn has no type word; "V/v" and its summary stand under the number
            par = add_paragraph(left, "Header Block") if header.number else _first_paragraph(left, "Header Block")
            write(par, f"V/v {header.summary}")
            for run in par.runs:
                run.font.size = Pt(12)
        if dated:
            par = _first_paragraph(right, "Header Block")
            write(par, dated)
            for run in par.runs:
                run.italic, run.font.size = True, Pt(14)


def _header_row(table, labels) -> None:
    from docx.oxml import OxmlElement

    row = table.rows[0]
    trpr = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")      # repeat the header row on every page
    trpr.append(repeat)
    for cell, label in zip(row.cells, labels):
        _first_paragraph(cell, "Table Heading").add_run(label)


def _target_rows(targets: list[Target], depth: int = 0):
    for index, target in enumerate(targets, 1):
        yield target, depth, index
        yield from _target_rows(target.breakdown, depth + 1)


def write_targets_table(doc, targets: list[Target], write: TextWriter):
    """STT, indicator, value (Vietnamese style), unit; breakdown rows indented under their target."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as A
    from docx.shared import Cm

    rows = list(_target_rows(targets))
    table = _new_table(doc, len(rows) + 1, TARGET_COLUMNS_CM, TABLE_STYLE)
    _header_row(table, ("STT", "Chỉ tiêu", "Giá trị", "Đơn vị tính"))
    for row, (target, depth, index) in zip(table.rows[1:], rows):
        number, indicator, value, unit = row.cells
        if depth == 0:
            par = _first_paragraph(number, "Table Text")
            par.alignment = A.CENTER
            par.add_run(str(target.number if target.number not in (None, "") else index))
        par = _first_paragraph(indicator, "Table Text")
        if depth:
            par.paragraph_format.left_indent = Cm(0.5 * depth)
            par.add_run("- ")
        write(par, target.indicator or "", target.line)
        if depth:
            for run in par.runs:
                run.italic = True
        par = _first_paragraph(value, "Table Text")
        par.alignment = A.RIGHT
        par.add_run(format_value(target.value, target.value_max, target.qualifier))
        par = _first_paragraph(unit, "Table Text")
        par.alignment = A.CENTER
        write(par, target.unit or "", target.line)
    return table


def format_deadline(deadline: str | None) -> str:
    """'2025-12-15' -> '15/12/2025'; anything else as given."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", deadline or "")
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else (deadline or "").strip()


def write_assignments_table(doc, rows: list[tuple[Assignment, str]], write: TextWriter):
    """STT, who, what, deadline. `rows` pairs each assignment with the text of its task."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as A

    table = _new_table(doc, len(rows) + 1, ASSIGNMENT_COLUMNS_CM, TABLE_STYLE)
    _header_row(table, ("STT", "Đơn vị, cá nhân thực hiện", "Nhiệm vụ", "Thời hạn"))
    for index, (row, (assignment, what)) in enumerate(zip(table.rows[1:], rows), 1):
        number, who, task, deadline = row.cells
        par = _first_paragraph(number, "Table Text")
        par.alignment = A.CENTER
        par.add_run(str(assignment.number if assignment.number not in (None, "") else index))
        write(_first_paragraph(who, "Table Text"), assignment.assignee or "", assignment.line)
        par = _first_paragraph(task, "Table Text")
        par.alignment = A.JUSTIFY
        write(par, what)
        par = _first_paragraph(deadline, "Table Text")
        par.alignment = A.CENTER
        par.add_run(format_deadline(assignment.deadline))
    return table


def write_closing_block(doc, recipients: list[str], signature: Signature, write: TextWriter) -> None:
    """Nơi nhận (small, left) and the signature (right), side by side as Decree 30 places them."""
    table = _new_table(doc, 1, CLOSING_COLUMNS_CM, LAYOUT_TABLE_STYLE)
    left, right = table.rows[0].cells
    if recipients:
        par = _first_paragraph(left, "Recipients Heading")
        par.add_run("Nơi nhận:")
        for i, item in enumerate(recipients):
            end = "." if i == len(recipients) - 1 else ";"
            par = add_paragraph(left, "Recipients")
            par.add_run("- ")
            write(par, item)
            par.add_run(end)
    if signature:
        par = _first_paragraph(right, "Signature")
        first = True
        for line in (*signature.authority, *signature.titles):
            if not first:
                par = add_paragraph(right, "Signature")
            write(par, line.upper())
            first = False
        for _ in range(SIGNING_SPACE_LINES):
            add_paragraph(right, "Signature")
        if signature.name:
            write(add_paragraph(right, "Signature"), signature.name)




TEXT_WIDTH_CM = sum(CLOSING_COLUMNS_CM)
MIN_COLUMN_CM = 1.0


def _column_widths(grid: list[list[str]]) -> list[float]:
    """Widths (cm) by how much each column holds: a number column narrow, the task wide."""
    width = len(grid[0]) if grid else 0
    weights = []
    for c in range(width):
        lengths = [max((len(line) for line in row[c].split("\n")), default=0) for row in grid if row[c]]
        mean = sum(lengths) / len(lengths) if lengths else 2
        weights.append(min(60.0, max(3.0, mean)))
    total = sum(weights) or 1.0
    widths = [max(MIN_COLUMN_CM, TEXT_WIDTH_CM * w / total) for w in weights]
    scale = TEXT_WIDTH_CM / sum(widths)
    return [w * scale for w in widths]


def write_plan_table(doc, table, write: TextWriter):
    """A table of the plan (model.Table) as a ruled Word table: merged cells merged again,
    header rows in bold and repeated on every page, each cell's own lines as paragraphs."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as A
    from docx.oxml import OxmlElement

    cells = table.cell_grid()
    if not cells or not cells[0]:
        return None
    grid = table.grid()
    out = _new_table(doc, len(cells), _column_widths(grid), TABLE_STYLE)
    seen: set[int] = set()
    for r, row in enumerate(cells):
        if r < table.header_rows:
            out.rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for c, cell in enumerate(row):
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            target = out.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(out.cell(min(r + cell.rowspan, len(cells)) - 1,
                                               min(c + cell.colspan, len(row)) - 1))
                for extra in target.paragraphs[1:]:          # merging joins the cells' empty paragraphs
                    extra._p.getparent().remove(extra._p)
            style = "Table Heading" if r < table.header_rows else "Table Text"
            line = (table.line + r) if table.line else None
            for k, text in enumerate(cell.text.split("\n") or [""]):
                par = _first_paragraph(target, style) if k == 0 else add_paragraph(target, style)
                if r >= table.header_rows and len(text) <= 4:
                    par.alignment = A.CENTER            # numbers, units, short values
                write(par, text, line)
    return out
