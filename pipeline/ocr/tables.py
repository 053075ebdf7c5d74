"""Ruled tables on a scanned page: found by their lines (OpenCV), their cells read by Tesseract,
merged cells told by the lines that are missing.

    find_grids(gray)            -> the ruled tables of the page: row and column lines, merged cells
    read_grid(image, grid, ...) -> a model.Table whose cells hold the words Tesseract reads there

Lines are what a long, thin morphological opening keeps of the ink (horizontal and vertical apart);
a table is a region where both cross. Its row lines and column lines are the positions where
that ink runs for part of the region (a merged cell interrupts a line, so a line need not span the
whole table). Two neighbouring cells with no line between them are one merged cell.

A table's cells, rules erased, are laid one under the other on a blank sheet that Tesseract reads
in one run (a run per cell would cost a process start each; a run over the table itself mixes
the lines of cells of different heights), and each word goes back to its cell and its place.
The page's own reading leaves the table region out; its rows come back as text lines
`cell | cell | cell` in the place of the table (a merged cell's text where it starts, the places
it covers empty: repeating the words would print them twice in the PDF text layer and in ALTO).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Table, TableCell

MIN_TABLE_WIDTH = 0.25          # of the page width: smaller boxes are stamps, frames, underlines
MIN_ROWS = 2
LINE_COVER = 0.5                # a cell border counts when ink covers this share of it
MIN_ROW_PX = 40                 # a row holds a line of text (letters are ~40 px once preprocessed)
MIN_COLUMN_PX = 40
MAX_COLUMNS = 20
MAX_INK = 0.35                  # a region darker than this is a scanner border or a photo, not a table
PAD = 40                        # px of white around the sheet of cells given to Tesseract
GAP = 60                        # px of white between two cells on that sheet
INSET = 3                       # px kept off a cell's rules when it is cut out


@dataclass
class Grid:
    """A ruled table in page-image pixels: its row lines (ys) and column lines (xs), and its
    cells as grid rectangles (first row, first column, last row, last column)."""
    x0: int
    y0: int
    x1: int
    y1: int
    xs: list[int] = field(default_factory=list)
    ys: list[int] = field(default_factory=list)
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)
    mask: np.ndarray | None = None      # the rule lines of the region (255), to erase before reading

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def cols(self) -> int:
        return len(self.xs) - 1


def _ink(gray: np.ndarray) -> np.ndarray:
    import cv2
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _open(ink: np.ndarray, width: int, height: int) -> np.ndarray:
    import cv2
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, height)))


def _positions(profile: np.ndarray, threshold: float) -> list[int]:
    """Centres of the runs where `profile` reaches `threshold` (one per rule, however thick)."""
    on = profile >= threshold
    out, start = [], None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    if start is not None:
        out.append((start + len(on) - 1) // 2)
    return out


def _column_lines(vertical: np.ndarray, min_height: int) -> list[int]:
    """x of each column rule: vertical strokes at least a row tall, close ones taken as one."""
    import cv2
    count, _, stats, centroids = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    xs = sorted(int(centroids[k][0]) for k in range(1, count) if stats[k][3] >= min_height)
    out: list[list[int]] = []
    for x in xs:
        if out and x - out[-1][-1] <= 8:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(g) // len(g) for g in out]


def find_grids(gray: np.ndarray) -> list[Grid]:
    """The ruled tables of a grayscale page, top to bottom.

    Row rules are runs of ink longer than any letter (a thirtieth of the page width). A table is
    a region where they meet long vertical rules (its frame). Its column rules are the vertical
    strokes at least 60 % of its lowest row tall: taller than any letter, and still found where
    a merged cell interrupts the rule."""
    import cv2
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    ink = _ink(gray)
    horizontal = cv2.dilate(_open(ink, max(40, w // 30), 1), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))
    frame = _open(ink, 1, max(40, h // 40))
    both = cv2.dilate(cv2.bitwise_or(horizontal, frame), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids = []
    for k in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[k])
        if bw < MIN_TABLE_WIDTH * w or bh < 20:
            continue
        hreg = horizontal[y:y + bh, x:x + bw]
        ys = _positions(hreg.sum(axis=1) / 255.0, max(0.08 * bw, 60))
        if len(ys) < MIN_ROWS + 1:
            continue
        gap = min(b - a for a, b in zip(ys, ys[1:]))
        if gap < MIN_ROW_PX or float((ink[y:y + bh, x:x + bw] > 0).mean()) > MAX_INK:
            continue                    # rows thinner than a line of text, or a dark band (a scanner border)
        vreg = cv2.dilate(_open(ink[y:y + bh, x:x + bw], 1, max(15, int(0.6 * gap))),
                          cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
        xs = _column_lines(vreg, int(0.6 * gap))
        if len(xs) < 2 or len(xs) > MAX_COLUMNS + 1 or min(b - a for a, b in zip(xs, xs[1:])) < MIN_COLUMN_PX:
            continue
        vertical = np.zeros_like(horizontal)
        vertical[y:y + bh, x:x + bw] = vreg
        grid = Grid(x0=x, y0=y, x1=x + bw, y1=y + bh, xs=[x + v for v in xs], ys=[y + v for v in ys],
                    mask=cv2.bitwise_or(hreg, vreg))
        grid.cells = _merged_cells(grid, horizontal, vertical)
        grids.append(grid)
    grids.sort(key=lambda g: g.y0)
    return grids


def _merged_cells(grid: Grid, horizontal: np.ndarray, vertical: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Grid places joined where the rule between them is missing, as rectangles."""
    rows, cols = grid.rows, grid.cols
    parent = list(range(rows * cols))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(a, b):
        parent[find(a)] = find(b)

    def covered(mask, x0, x1, y0, y1, along_x: bool) -> bool:
        strip = mask[y0:y1 + 1, x0:x1 + 1]
        if strip.size == 0:
            return True
        line = strip.max(axis=0 if along_x else 1)
        inner = line[len(line) // 6: len(line) - len(line) // 6] if len(line) > 6 else line
        return float((inner > 0).mean()) >= LINE_COVER

    for r in range(rows):
        for c in range(cols):
            top, bottom = grid.ys[r], grid.ys[r + 1]
            left, right = grid.xs[c], grid.xs[c + 1]
            if c + 1 < cols and not covered(vertical, right - 3, right + 3, top, bottom, along_x=False):
                join(r * cols + c, r * cols + c + 1)
            if r + 1 < rows and not covered(horizontal, left, right, bottom - 3, bottom + 3, along_x=True):
                join(r * cols + c, (r + 1) * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    out = []
    for places in groups.values():
        rs = [p[0] for p in places]
        cs = [p[1] for p in places]
        out.append((min(rs), min(cs), max(rs), max(cs)))
    return sorted(out)


def cell_of(grid: Grid, x: float, y: float) -> tuple[int, int, int, int] | None:
    """The cell rectangle holding the point (x, y), or None when it is outside the table."""
    if not (grid.xs[0] <= x <= grid.xs[-1] and grid.ys[0] <= y <= grid.ys[-1]):
        return None
    c = max(0, min(grid.cols - 1, int(np.searchsorted(grid.xs, x) - 1)))
    r = max(0, min(grid.rows - 1, int(np.searchsorted(grid.ys, y) - 1)))
    return next((cell for cell in grid.cells if cell[0] <= r <= cell[2] and cell[1] <= c <= cell[3]), None)


def words_in(grid: Grid, words) -> dict[tuple[int, int, int, int], list]:
    """Tesseract words (with left/top/width/height) by the cell their centre is in."""
    out: dict[tuple[int, int, int, int], list] = {}
    for wd in words:
        cell = cell_of(grid, wd.left + wd.width / 2, wd.top + wd.height / 2)
        if cell is not None:
            out.setdefault(cell, []).append(wd)
    return out


def cell_lines(words) -> list[list]:
    """A cell's words as lines, top to bottom, each left to right: Tesseract's own lines (its
    block, paragraph and line numbers), which a descender or an accent does not split."""
    lines: dict[tuple, list] = {}
    for wd in words:
        lines.setdefault((wd.block, wd.par, wd.line), []).append(wd)
    ordered = sorted(lines.values(), key=lambda ws: (min(w.top + w.height / 2 for w in ws), min(w.left for w in ws)))
    return [sorted(line, key=lambda w: w.left) for line in ordered]


def erase_rules(image: np.ndarray, grid: Grid) -> np.ndarray:
    """The table region with its rule lines painted white (Tesseract reads bars as letters)."""
    import cv2
    region = image[grid.y0:grid.y1, grid.x0:grid.x1].copy()
    # wide enough to take the rules' grey edges too (Tesseract reads them as ` ˆ „)
    mask = cv2.dilate(grid.mask, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    region[mask > 0] = 255
    return region


def grid_table(grid: Grid, by_cell: dict) -> tuple[Table, list[list[list]]]:
    """The Table of a grid and, per row, per grid column, the words a text row shows there
    (a merged cell's words where it starts, nothing where it only reaches)."""
    rows: list[list[TableCell]] = [[] for _ in range(grid.rows)]
    shown: list[list[list]] = [[[] for _ in range(grid.cols)] for _ in range(grid.rows)]
    for r0, c0, r1, c1 in grid.cells:
        words = by_cell.get((r0, c0, r1, c1), [])
        text = ""
        for line in cell_lines(words):
            piece = " ".join(w.text for w in line)
            # a printed cell wraps its text: a new line of the cell is a new item only when it
            # starts with a bullet or the line before ended one
            new_item = piece[:1] in "-–+•" or text.rstrip().endswith((";", "."))
            text = piece if not text else text + ("\n" if new_item else " ") + piece
        rows[r0].append(TableCell(text=text, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1))
        shown[r0][c0] = [w for line in cell_lines(words) for w in line]
    return Table(rows=rows, source="scan"), shown         # grid.cells are in reading order


def whiten(image: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The page with its tables painted white: the page's own reading leaves them to read_grid."""
    if not grids:
        return image
    out = image.copy()
    for g in grids:
        out[g.y0:g.y1, g.x0:g.x1] = 255
    return out


@dataclass
class ReadTable:
    grid: Grid
    table: Table
    shown: list[list[list]]         # per row, per grid column: the words its text row shows


def read_grids(image: np.ndarray, grids: list[Grid], *, lang: str, dpi, **kw) -> list[ReadTable]:
    """Each table's words, put in their cells. The cells (rules erased) are laid one under the
    other on a blank sheet, a gap between them, and Tesseract reads the sheet in one run: one
    process per table, where a run per cell would cost a start each, and each cell's lines
    stand as Tesseract expects them (a run over the table itself mixes the lines of cells of
    different heights and misreads short cells at a strip's edge: "TT" as "xi")."""
    from dataclasses import replace as _replace

    from . import tesseract
    out = []
    for grid in grids:
        region = erase_rules(image, grid)
        tiles = []                      # (cell, crop, x of the crop in the page, y in the page)
        for cell in grid.cells:
            r0, c0, r1, c1 = cell
            y0, y1 = grid.ys[r0] - grid.y0 + INSET, grid.ys[r1 + 1] - grid.y0 - INSET
            x0, x1 = grid.xs[c0] - grid.x0 + INSET, grid.xs[c1 + 1] - grid.x0 - INSET
            crop = region[y0:y1, x0:x1]
            if crop.size and int((crop < 128).sum()) >= 20:
                tiles.append((cell, crop, x0 + grid.x0, y0 + grid.y0))
        by_cell: dict = {}
        if tiles:
            width = max(t[1].shape[1] for t in tiles) + 2 * PAD
            height = sum(t[1].shape[0] + GAP for t in tiles) + 2 * PAD
            sheet = np.full((height, width), 255, dtype=np.uint8)
            placed, y = [], PAD
            for cell, crop, px, py in tiles:
                sheet[y:y + crop.shape[0], PAD:PAD + crop.shape[1]] = crop
                placed.append((y, y + crop.shape[0], cell, px, py))
                y += crop.shape[0] + GAP
            # Binarised: on gray cells Tesseract misread short capitals ("TT" as "xi", "1E" or
            # "dE" in four noise seeds of tests/test_scan_tables.py), on the binarised sheet none.
            import cv2
            sheet = cv2.threshold(sheet, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
            for w in tesseract.read_words(sheet, lang=lang, psm=6, dpi=dpi, **kw):
                mid = w.top + w.height / 2
                hit = next((p for p in placed if p[0] - GAP / 2 <= mid < p[1] + GAP / 2), None)
                if hit is None:
                    continue
                top, _, cell, px, py = hit
                by_cell.setdefault(cell, []).append(_replace(w, left=w.left - PAD + px, top=w.top - top + py))
        table, shown = grid_table(grid, by_cell)
        out.append(ReadTable(grid, table, shown))
    return out


def row_lines(read: ReadTable, page_number: int, frame) -> list:
    """The table's rows as RawLines `cell | cell | cell`, every word with its confidence and
    box (the bars between cells have none and are sure)."""
    from ..model import RawLine
    import unicodedata
    lines = []
    for row in read.shown:
        texts, confs, rects = [], [], []
        for c, words in enumerate(row):
            if c:
                texts.append("|")
                confs.append(100.0)
                rects.append(None)
            for w in words:
                texts.append(w.text)
                confs.append(w.conf)
                rects.append((w.left, w.top, w.width, w.height))
        mapped = frame.boxes([r for r in rects if r is not None]) if any(rects) else []
        it = iter(mapped)
        boxes = [next(it) if r is not None else None for r in rects]
        text = " ".join(texts)
        lines.append(RawLine(text=unicodedata.normalize("NFC", text), page=page_number, confidences=confs,
                             boxes=boxes, block=None))
    return lines
