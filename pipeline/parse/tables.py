"""Tables: found in the text, read into model.Table, their columns named, and the layout tables
of a Word file (header block, signature block) turned back into the lines the header and
signature readers know.

A table reaches the parser in one of two ways, both as text rows (`cell | cell | cell`, one
line per row, see model.py):
- with a Table from its source (a Word file, a scan): the Table is used, its cells refreshed
  from the restored row where restoration changed them;
- as rows only (text taken from a Word file, `a | b | c`): a run of at least two lines that
  split into the same number of cells (cut where that number changes for good: two tables one
  after the other), one line of three cells or more, or one line of two that is a header block
  (the national motto in its second cell) or a closing block ("Nơi nhận" in its first), is a
  table; a line with one stray `|` in old OCR is not.

Columns are named by the words of their header cells (dictionaries/table_columns.tsv): task,
product, deadline, lead, partners, indicator, unit, plan, actual ... The header is the rows
before the first row of data: Word's repeated header rows, or the leading rows whose cells are
column names, and the "(1) | (2) | (3)" row that numbers the columns. A table with a task and a
lead or deadline column is a task table; one with an indicator and a unit or planned value is
an indicator table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..model import Table, TableCell
from .layout import Line, read_marker
from .lexicon import lexicon, read_tsv
from .text import fold, is_upper_text, phrase_regex, squash

SEPARATOR = re.compile(r"\s\|\s|\s\|$|^\|\s|^\s*\|\s*$")
_COLUMN_NUMBERS = re.compile(r"^\(?\s*(?:\d{1,2}|[a-z])\s*\)?(?:\s*=\s*[\d()+\-*/x ]+)?$")
_PUNCT = re.compile(r"[,/;:()\[\].\-–—&+*]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass
class FoundTable:
    """A table in the lines: its Table and the indices of the lines its rows take."""
    table: Table
    start: int                  # index into the parser's lines of the first row
    end: int                    # index after the last row
    layout: str | None = None   # "header" or "signature" for a Word layout table
    years: dict[int, int] = field(default_factory=dict)   # grid column -> the year its header names


# --------------------------------------------------------------------------- finding

def split_row(text: str) -> list[str] | None:
    """The cells of a text row, or None when the line is not a row."""
    if "|" not in text or not SEPARATOR.search(text):
        return None
    return [squash(c) for c in text.split("|")]


def find_tables(lines: list[Line], given: list[Table]) -> list[FoundTable]:
    """Every table in `lines`: the source's tables (by line), then runs of text rows."""
    found: list[FoundTable] = []
    by_no = {line.no: i for i, line in enumerate(lines)}
    taken: set[int] = set()
    for table in given:
        if table.line is None or table.line not in by_no or not table.rows:
            continue
        start = by_no[table.line]
        end = start + len(table.rows)
        if end > len(lines):
            continue
        table = _refreshed(table, lines[start:end])
        found.append(FoundTable(table, start, end))
        taken.update(range(start, end))
    i = 0
    while i < len(lines):
        if i in taken or split_row(lines[i].text) is None:
            i += 1
            continue
        j = i
        rows = []
        while j < len(lines) and j not in taken:
            cells = split_row(lines[j].text)
            if cells is None:
                break
            rows.append(cells)
            j += 1
        at = i
        for part in _by_width(rows):
            if _is_table(part):
                width = max(len(r) for r in part)
                table = Table(rows=[[TableCell(c) for c in r + [""] * (width - len(r))] for r in part],
                              line=lines[at].no, source="text")
                found.append(FoundTable(table, at, at + len(part)))
                taken.update(range(at, at + len(part)))
            at += len(part)
        i = j
    found.sort(key=lambda f: f.start)
    return found


def _by_width(rows: list[list[str]]) -> list[list[list[str]]]:
    """Consecutive rows cut where the number of cells changes for good: two tables one after
    the other. A single row of another width between rows of one width stays (a row with a
    stray or a missing bar)."""
    groups: list[list[list[str]]] = []
    for row in rows:
        if groups and len(groups[-1][-1]) == len(row):
            groups[-1].append(row)
        else:
            groups.append([row])
    merged: list[list[list[str]]] = []
    k = 0
    while k < len(groups):
        g = groups[k]
        if len(g) == 1 and merged and k + 1 < len(groups) and len(merged[-1][0]) == len(groups[k + 1][0]):
            merged[-1].extend(g + groups[k + 1])
            k += 2
            continue
        merged.append(list(g))
        k += 1
    return merged


def _is_table(rows: list[list[str]]) -> bool:
    if not rows:
        return False
    widths = [len(r) for r in rows]
    common = max(set(widths), key=widths.count)
    if len(rows) >= 2:
        return common >= 2 and widths.count(common) >= 0.6 * len(rows)
    # One row: three cells or more, or the two columns of a header block (issuer | national
    # motto) or of a closing block (Nơi nhận | signer).
    cells = rows[0]
    return len(cells) >= 3 and sum(1 for c in cells if c) >= 2 or (
        len(cells) == 2 and (fold(cells[0]).lstrip(" -").startswith("noi nhan")
                             or bool(lexicon().rx("header", "motto").search(fold(cells[1])))))


def _refreshed(table: Table, lines: list[Line]) -> Table:
    """The source's table with each cell's text as restoration left its row, where the row
    still splits into the table's columns and restoration changed the cell."""
    grid = table.cell_grid()
    width = len(grid[0]) if grid else 0
    rows = [[replace(c) for c in row] for row in table.rows]
    copy = replace(table, rows=rows)
    new_grid = copy.cell_grid()
    for r, line in enumerate(lines):
        parts = line.text.split(" | ") if " | " in line.text or width == 1 else None
        if parts is None or len(parts) != width:
            continue
        for c, part in enumerate(parts):
            cell = new_grid[r][c]
            if cell is None or (c > 0 and new_grid[r][c - 1] is cell) or (r > 0 and new_grid[r - 1][c] is cell):
                continue                # a merged cell is refreshed where it starts
            if squash(part) != squash(cell.text):
                cell.text = squash(part)
    return copy


# --------------------------------------------------------------------------- columns

@lru_cache(maxsize=1)
def _column_words() -> list[tuple[str, re.Pattern]]:
    rows = read_tsv("table_columns.tsv")
    by_role: dict[str, list[str]] = {}
    for role, phrase in rows:
        by_role.setdefault(role, []).append(_norm(phrase))
    pairs = [(role, p) for role, ps in by_role.items() for p in ps]
    pairs.sort(key=lambda rp: len(rp[1]), reverse=True)
    return [(role, phrase_regex([p])) for role, p in pairs]


def _norm(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def column_role(text: str) -> str | None:
    """The role a header cell's words name, or None."""
    norm = _norm(text)
    if not norm:
        return None
    best = None
    for role, rx in _column_words():
        m = rx.search(norm)
        if m and (best is None or m.end() - m.start() > best[1]):
            best = (role, m.end() - m.start())
    return best[0] if best else None


def is_column_numbers(cells: list[str]) -> bool:
    """"(1) | (2) | (3) = (2) x 100" under a header: the columns numbered, not data."""
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(_COLUMN_NUMBERS.match(fold(c)) for c in filled)


def name_columns(found: FoundTable) -> None:
    """Header rows, column roles, the years headers name, and the table's kind."""
    table = found.table
    grid = table.grid()
    if not grid:
        return
    width = len(grid[0])
    header = table.header_rows
    if not header:
        header = 0
        for row in grid[:3]:
            named = [column_role(c) if len(c.split()) <= 10 else None for c in row if c]
            if named and sum(1 for r in named if r) >= max(1, (len(named) + 1) // 2) \
                    and not _looks_like_data(row):
                header += 1
            else:
                break
    while header < len(grid) and is_column_numbers(grid[header]):
        header += 1
    table.header_rows = header
    roles: list[str | None] = []
    for c in range(width):
        # the lowest header row that names the column decides ("Trách nhiệm thực hiện" over
        # "Chủ trì | Phối hợp")
        named = (column_role(grid[r][c]) for r in range(header - 1, -1, -1) if grid[r][c])
        roles.append(next((role for role in named if role), None))
        years = [int(y) for r in range(header) for y in _YEAR.findall(grid[r][c])]
        if years:
            found.years[c] = years[-1]
    _split_value_columns(roles, found.years)
    table.columns = roles
    has = set(roles)
    if "task" in has and has & {"lead", "deadline", "partners", "product"}:
        table.kind = "tasks"
    elif "indicator" in has and has & {"unit", "plan", "actual"}:
        table.kind = "indicators"
    elif "lead" in has and has & {"deadline", "partners"}:
        table.kind = "tasks"        # "Nội dung" named otherwise: the widest text column is the task
        widest = max((c for c in range(width) if roles[c] is None),
                     key=lambda c: sum(len(row[c]) for row in grid[header:]), default=None)
        if widest is not None:
            roles[widest] = "task"


def _split_value_columns(roles: list[str | None], years: dict[int, int]) -> None:
    """Among the value columns, the latest year's plan is the target ("plan"); an earlier
    year's achieved or estimated value is the previous one ("previous"; an earlier year's plan
    is "previous_plan"). Without years: the first plan column is the target."""
    values = [c for c, r in enumerate(roles) if r in ("plan", "actual")]
    if not values:
        return
    dated = [c for c in values if c in years]
    if dated:
        latest = max(years[c] for c in dated)
        for c in values:
            if c in years and years[c] < latest:
                roles[c] = "previous" if roles[c] == "actual" else "previous_plan"
        if "previous" not in roles:             # only an earlier plan given: it is the previous value
            for c in values:
                if roles[c] == "previous_plan":
                    roles[c] = "previous"
                    break
    plans = [c for c in values if roles[c] == "plan"]
    for c in plans[1:]:                  # two plan columns of one year: the first is the target
        roles[c] = "plan_other"


def _looks_like_data(row: list[str]) -> bool:
    first = next((c for c in row if c), "")
    return bool(re.match(r"^(\d{1,3}|[IVXL]{1,5})[.)]?$", first)) and len(row) > 1


# --------------------------------------------------------------------------- layout tables

def layout_kind(found: FoundTable, head_limit: int) -> str | None:
    """"header" for the table of the header block (issuer | national motto, number | place and
    date) near the top, "signature" for the closing one (Nơi nhận | signer), else None."""
    grid = found.table.grid()
    if not grid or len(grid[0]) > 3:
        return None
    folded = fold(" ".join(" ".join(row) for row in grid))
    lex = lexicon()
    if found.start <= head_limit and len(grid) <= 6 and (
            lex.rx("header", "motto").search(folded) or re.search(r"(?<!\w)so\s*:", folded)):
        return "header"
    first = fold(grid[0][0]).lstrip(" -")
    if first.startswith("noi nhan") or (len(grid) <= 3 and lex.rx("header", "sign_prefix").search(folded)
                                         and lex.rx("header", "role").search(folded)):
        return "signature"
    return None


_ITEM_BREAK = re.compile(r"(?<=[;:.])\s+(?=[-–+•]\s*\S)")
_SIGN_BREAK = re.compile(r"\s+(?=(?:TM|KT|TL|TUQ|Q)\s*\.\s)")


def layout_lines(found: FoundTable) -> list[tuple[int, str]]:
    """The lines of a layout table as a reader of the page takes them in, each with the row it
    is on: each column top to bottom, left column first. Cells that came from text (their own
    line breaks lost) are broken where the header and signature readers expect lines: before
    each recipient's dash, before "TM."/"KT.", and between a title in capitals and the name."""
    grid = found.table.cell_grid()
    out: list[tuple[int, str]] = []
    for c in range(len(grid[0]) if grid else 0):
        seen = set()
        for r, row in enumerate(grid):
            cell = row[c]
            if cell is None or id(cell) in seen or not cell.text.strip():
                continue
            seen.add(id(cell))
            for piece in cell.text.split("\n"):
                broken = _break_cell_line(piece) if found.table.source != "word" else [piece]
                out.extend((r, squash(x)) for x in broken if x.strip())
    return out


def place_tables(lines: list[Line], given: list[Table]) -> tuple[list[Line], list[FoundTable]]:
    """Find the tables of `lines`. A layout table (header block, closing block) is replaced by
    the lines of its cells, column by column; a data table's rows are marked as its rows, the
    first carrying it, and its columns are named. Returns the new lines and the data tables in
    document order (their `start`/`end` index the new lines)."""
    found = find_tables(lines, given)
    content = [i for i, line in enumerate(lines) if not line.blank]
    head_limit = content[min(6, len(content) - 1)] if content else 0
    out: list[Line] = []
    data: list[FoundTable] = []
    pos = 0
    for f in found:
        out.extend(lines[pos:f.start])
        rows = lines[f.start:f.end]
        pos = f.end
        f.layout = layout_kind(f, head_limit)
        if f.layout:
            out.extend(Line(rows[r].no, text) for r, text in layout_lines(f))
            continue
        f.start = len(out)
        for line in rows:
            line.in_table = True
        rows[0].table = f
        out.extend(rows)
        f.end = len(out)
        name_columns(f)
        f.table.title = _caption(out, f.start)
        data.append(f)
    out.extend(lines[pos:])
    return out, data


_CAPTION = re.compile(r"^(?:phu luc|bieu|bang|danh muc|\(kem theo|kem theo)")


def _caption(lines: list[Line], start: int) -> str | None:
    """The caption right above a table: up to four lines in capitals or opening with "Phụ lục",
    "Biểu", "Bảng", "Danh mục", "(Kèm theo ...)"."""
    picked: list[str] = []
    i = start - 1
    while i >= 0 and len(picked) < 4:
        line = lines[i]
        if line.in_table:
            break
        text = line.text.strip()
        if not text:
            if picked:
                break
            i -= 1
            continue
        if _CAPTION.match(fold(text)) or (is_upper_text(text) and len(text.split()) <= 30
                                          and not read_marker(text, after_break=True)):
            picked.append(text)
            i -= 1
            continue
        break
    return squash(" ".join(reversed(picked))) or None


def _break_cell_line(text: str) -> list[str]:
    text = squash(text)
    if fold(text).startswith("noi nhan"):
        return _ITEM_BREAK.split(text)
    out = []
    for part in _SIGN_BREAK.split(text):
        words = part.split()
        k = 0
        while k < len(words) and (is_upper_text(words[k], min_letters=1) or not any(ch.isalpha() for ch in words[k])):
            k += 1
        if 0 < k < len(words):
            out += [" ".join(words[:k]), " ".join(words[k:])]
        else:
            out.append(part)
    return out
