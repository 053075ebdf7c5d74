"""What tables say as plan items: a task table's rows are assignments (the row's task, its lead
body, partner bodies, product and deadline), an indicator table's rows are targets (indicator,
unit, planned value, the earlier period's value), and a quantified commitment inside a task
cell is a target too. A target the body states and a table restates (a Phụ lục repeating the
plan's indicators) is one target with both places.

Rows that only group the others ("I | CẢI CÁCH THỂ CHẾ" spanning the table) are skipped; a row
without a lead body gives no assignment, a row without a number in its value column no target.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..model import Assignment, Place, Target
from .layout import Block
from .lexicon import lexicon
from .numbers import NUMBER, parse_number
from .periods import deadline_of
from .tables import FoundTable
from .targets import read_targets
from .text import fold, is_upper_text, squash

_GROUP_NUMBER = re.compile(r"^\s*(?:[IVXL]{1,5}|[A-ZĐ])\s*[.)]?\s*$")
_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
_SYMBOLS = {"≥": "tối thiểu", ">=": "tối thiểu", "≤": "tối đa", "<=": "tối đa", ">": "trên", "<": "dưới"}
_VALUE = re.compile(r"(≥|>=|≤|<=|>|<)?\s*(" + NUMBER + r")(?:\s*(?:-|–|÷|đến)\s*(" + NUMBER + r"))?")


def _cell_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def cell_text(text: str) -> str:
    """A cell's text on one line: its lines joined with a space, bulleted lines with "; "."""
    out = ""
    for line in _cell_lines(text):
        bullet = re.match(r"^[-–+•]\s*", line)
        line = line[bullet.end():] if bullet else line
        if out and bullet and not out.endswith((";", ",")):
            out += ";"
        out = f"{out} {line}" if out else line
    return squash(out).rstrip(" ;,.")


_BODY_HEADS = ("Sở", "Ủy ban", "Uỷ ban", "UBND", "HĐND", "Hội đồng", "Văn phòng", "Ban", "Công an", "Báo", "Đài",
               "Hội", "Đoàn", "Trung tâm", "Bộ", "Cục", "Chi cục", "Phòng", "Tòa", "Viện", "Kho bạc", "Ngân hàng",
               "Bảo hiểm", "Thuế", "Thống kê", "Thanh tra", "Liên đoàn", "Mặt trận", "Tỉnh ủy", "Tỉnh đoàn",
               "Trường", "Bệnh viện", "Các", "Lãnh đạo", "Chủ tịch", "Cảnh sát", "Quỹ", "Hải quan", "Kiểm toán",
               "Tổng công ty", "Công ty", "Hiệp hội", "Thường trực", "Người đứng đầu", "Thủ trưởng", "Đảng ủy",
               "các")           # "Sở Tài chính, các sở, ngành liên quan": a collective after a body
_SPLIT = re.compile(r"\s*(?:,|;|\bvà\b)\s*(?=(?:" + "|".join(re.escape(h) for h in _BODY_HEADS) + r")(?![\w]))")


def split_bodies(text: str) -> list[str]:
    """Several bodies in one cell or phrase: one per line or bullet, then split at "," ";" and
    "và" where the next words open a body's name ("Sở Tài chính, Văn phòng UBND tỉnh"); commas
    inside a name ("Sở Văn hóa, Thể thao và Du lịch") or a collective ("các sở, ban, ngành")
    stay."""
    out: list[str] = []
    for line in _cell_lines(text):
        line = re.sub(r"^[-–+•]\s*", "", line)
        for part in re.split(r"\s*;\s*", line):
            for piece in _SPLIT.split(part):
                piece = re.sub(r"^[-–+•]\s*", "", squash(piece)).strip(" ,;.")
                if piece:
                    out.append(piece)
    return out


def _is_group_row(row: list[str], roles: list[str | None]) -> bool:
    cells = [c for c, r in zip(row, roles) if r != "number" and c.strip()]
    number = next((c for c, r in zip(row, roles) if r == "number"), "")
    if _GROUP_NUMBER.match(number):
        return True
    return len(set(cells)) <= 1 and (not cells or is_upper_text(cells[0]) or len(row) > 2)


def _row_number(row: list[str], roles: list[str | None]):
    number = next((c for c, r in zip(row, roles) if r == "number"), "")
    m = _ROW_NUMBER.match(number)
    if m:
        return int(m.group(1))
    return number.strip() or None


def _col(row: list[str], roles: list[str | None], role: str) -> str:
    return next((c for c, r in zip(row, roles) if r == role), "")


def _column_year(found: FoundTable, role: str) -> int | None:
    for c, r in enumerate(found.table.columns):
        if r == role and c in found.years:
            return found.years[c]
    return None


@dataclass
class DataRow:
    """A row of data of a table: its texts per grid column, its number, where it is."""
    cells: list[str]
    number: int | str | None
    table: int                  # index of its table in the plan
    row: int                    # its index among the table's rows
    line: int


def data_rows(found: list[FoundTable]) -> dict[int, list[DataRow]]:
    """The rows of data of each table (header rows and group rows left out), by table index.

    Two repairs that tables on paper need. A table broken by a page repeats its header on the
    next page, and a row broken there goes on in a row without a number: that row is joined to
    the last row of the table before (its texts added to that row's texts). And a row number the
    OCR misread ("8" read as "ö") between two that follow each other is the one between them."""
    out: dict[int, list[DataRow]] = {}
    last: DataRow | None = None
    last_header: list[str] | None = None
    run: list[DataRow] = []             # the rows of a table and of its continuations on later pages
    for k, f in enumerate(found):
        table = f.table
        roles = table.columns
        grid = table.grid()
        header = [fold(squash(c)) for row in grid[:table.header_rows] for c in row]
        rows: list[DataRow] = []
        for r, cells in enumerate(grid):
            if r < table.header_rows or _is_group_row(cells, roles):
                continue
            number_cell = _col(cells, roles, "number")
            if (not rows and last is not None and header and header == last_header and not number_cell.strip()
                    and "number" in roles):
                last.cells = [f"{a} {b}".strip() if b and b != a else a for a, b in zip(last.cells, cells)]
                continue                # the rest of the row the page broke
            rows.append(DataRow(cells=list(cells), number=_row_number(cells, roles), table=k, row=r,
                                line=table.line + r))
        if not (header and header == last_header):
            _repair_numbers(run)
            run = []
        run.extend(rows)
        out[k] = rows
        if rows:
            last, last_header = rows[-1], header
    _repair_numbers(run)
    return out


def _repair_numbers(rows: list[DataRow]) -> None:
    for i in range(1, len(rows) - 1):
        before, now, after = rows[i - 1].number, rows[i].number, rows[i + 1].number
        if isinstance(before, int) and isinstance(after, int) and after == before + 2 \
                and not isinstance(now, int) and (now is None or len(str(now)) <= 3):
            rows[i].number = before + 1


def table_assignments(found: FoundTable, rows: list[DataRow], plan_year: int | None) -> list[Assignment]:
    """One assignment per task row that names a lead body."""
    table = found.table
    if table.kind != "tasks":
        return []
    roles = table.columns
    year = _column_year(found, "deadline") or plan_year
    out = []
    for row in rows:
        lead = cell_text(_col(row.cells, roles, "lead"))
        task = cell_text(_col(row.cells, roles, "task"))
        if not lead or not task:
            continue
        product = cell_text(_col(row.cells, roles, "product")) or None
        out.append(Assignment(number=row.number, assignee=lead, responsibility=task,
                              deadline=deadline_of(_col(row.cells, roles, "deadline"), year), line=row.line,
                              co_assignees=split_bodies(_col(row.cells, roles, "partners")), product=product,
                              source="table"))
    return out


def known_unit(text: str) -> str | None:
    """A unit as the lexicon spells it ("Tỷ đồng" -> "tỷ đồng", "Bác sĩ/vạn dân"), or None."""
    text = squash(text)
    lex = lexicon()
    m = lex.unit_rx.match(fold(text)) if text else None
    if not m or m.end() != len(text):
        return None
    unit = lex.unit_of(m.group(1))
    per = [lex.per[p.strip()] for p in (m.group(2) or "").split("/") if p.strip()]
    return "/".join([unit.name] + per)


def _unit(text: str) -> str | None:
    """A unit cell: as the lexicon spells it, else as written (lower case unless an acronym)."""
    text = squash(text)
    if not text:
        return None
    return known_unit(text) or (text if is_upper_text(text, min_letters=2) else text[:1].lower() + text[1:])


_WORD_QUALIFIERS = {"khoang": "khoảng", "tren": "trên", "duoi": "dưới", "toi thieu": "tối thiểu",
                    "it nhat": "ít nhất", "toi da": "tối đa", "khong qua": "không quá", "dat": "đạt"}


def _value(text: str, unit: str | None) -> tuple | None:
    """(value, value_max, qualifier, unit) of a value cell: "8,5", "≥ 95", "95 - 97", "90%",
    "trên 98"; None for what is not one number ("Nhóm 20 tỉnh dẫn đầu", "Hoàn thành")."""
    text = squash(text)
    m = _VALUE.search(text)
    if not m:
        return None
    before = fold(text[:m.start()]).strip(" ~≈")
    qualifier = _SYMBOLS.get(m.group(1) or "") or _WORD_QUALIFIERS.get(before)
    if before and before not in _WORD_QUALIFIERS:
        return None
    after = text[m.end():].strip()
    if after:
        named = known_unit(after)
        if named is None:
            return None                  # words after the number that are no unit
        unit = named
    kind = lexicon().unit_of(fold(unit)) if unit else None
    value = parse_number(m.group(2), kind.kind if kind else None)
    if value is None:
        return None
    vmax = parse_number(m.group(3), kind.kind if kind else None) if m.group(3) else None
    return value, vmax if vmax is not None and vmax > value else None, qualifier, unit


def table_targets(found: FoundTable, rows: list[DataRow], *, legacy: bool = False) -> list[Target]:
    """An indicator table's rows as targets; the commitments quantified inside a task table's
    task cells too."""
    table = found.table
    roles = table.columns
    out: list[Target] = []
    for data in rows:
        row, line = data.cells, data.line
        place = Place(line=line, table=data.table, row=data.row)
        if table.kind == "indicators":
            indicator = cell_text(_col(row, roles, "indicator"))
            unit = _unit(_col(row, roles, "unit"))
            read = _value(_col(row, roles, "plan"), unit)
            if not indicator or read is None:
                continue
            value, vmax, qualifier, unit = read
            prev = _value(_col(row, roles, "previous"), unit)
            out.append(Target(number=data.number, indicator=indicator, value=value, unit=unit,
                              value_max=vmax, qualifier=qualifier, raw=squash(_col(row, roles, "plan")),
                              line=line, previous=prev[0] if prev else None, source="table", places=[place]))
        elif table.kind == "tasks":
            task = cell_text(_col(row, roles, "task"))
            if not re.search(r"\d", task):
                continue
            block = Block(marker=None, text="")
            block.append(task, line)
            for t in read_targets(block, None, strict=False, legacy=legacy, tasks=True):
                t.source, t.places = "table", [place]
                out.append(t)
    return out


def _same_target(a: Target, b: Target) -> bool:
    if a.value != b.value or (a.unit and b.unit and fold(a.unit) != fold(b.unit)):
        return False
    return fuzz.token_set_ratio(fold(a.indicator), fold(b.indicator)) >= 80


def merge_restated(body: list[Target], from_tables: list[Target]) -> list[Target]:
    """The body's targets, each with its places, then the tables' targets the body does not
    state; a table's target the body states adds its place to the body's (and its earlier value,
    when the body gives none)."""
    def place_all(targets):
        for t in targets:
            if not t.places:
                t.places = [Place(line=t.line)]
            place_all(t.breakdown)
    place_all(body)
    out = list(body)
    flat = [t for t in body] + [b for t in body for b in t.breakdown]
    for t in from_tables:
        same = next((b for b in flat if _same_target(b, t)), None)
        if same is not None:
            same.places.extend(p for p in t.places if p not in same.places)
            if same.previous is None:
                same.previous = t.previous
            continue
        out.append(t)
        flat.append(t)
    return out
