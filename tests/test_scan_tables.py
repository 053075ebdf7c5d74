"""Ruled tables on scanned pages: found by their lines (OpenCV), merged cells told by the rules
that are missing, cells read by the real Tesseract, the rows given to the parser as text rows
and as a Table. The pages are rendered here (tests/scanpages.render_table)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.model import Document, Page, Source
from pipeline.ocr.preprocess import remove_streaks
from pipeline.ocr.tables import find_grids
from tests.scanpages import PLAN_A, render, render_table, scanned

TASKS = [["TT", "Nhiệm vụ", "Thời gian hoàn thành", "Cơ quan chủ trì", "Cơ quan phối hợp"],
         ["1", "Rà soát văn bản quy phạm pháp luật do tỉnh ban hành", "Quý IV/2026", "Sở Tư pháp",
          "Các sở, ban, ngành"],
         ["2", "Kiểm tra công tác cải cách hành chính", "Tháng 9/2026", "Sở Nội vụ", "Văn phòng UBND tỉnh"],
         ["3", "Xác định Chỉ số cải cách hành chính", "Tháng 12/2026", "", "Sở Tài chính"]]
TASK_WIDTHS = [120, 720, 330, 310, 340]
LEAD_MERGED = [(2, 3, 3, 3)]            # "Sở Nội vụ" leads rows 2 and 3


def task_page():
    return render_table(["PHỤ LỤC", "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"], TASKS, merges=LEAD_MERGED,
                        widths=TASK_WIDTHS, below=["Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc."])


def read(image, name="table.png"):
    from pipeline.ocr import recognise
    doc = Document(path=Path(name), kind="image", sha256="0" * 64, pages=[Page(number=1, image=image, dpi=300)])
    return recognise(doc)


def test_a_ruled_table_is_found_with_its_merged_cells():
    [grid] = find_grids(task_page())
    assert (grid.rows, grid.cols) == (4, 5)
    assert (2, 3, 3, 3) in grid.cells                      # the merged lead cell
    assert len(grid.cells) == 4 * 5 - 1
    # merged across columns: a group row spanning the table
    rows = [["I", "CẢI CÁCH THỂ CHẾ", "", ""], ["1", "Rà soát văn bản", "Sở Tư pháp", "Quý IV/2026"],
            ["2", "Kiểm tra", "Sở Nội vụ", "Quý III/2026"]]
    [grid] = find_grids(render_table([], rows, merges=[(0, 1, 0, 3)]))
    assert (0, 1, 0, 3) in grid.cells and (grid.rows, grid.cols) == (3, 4)


def test_no_table_on_a_page_of_text_nor_in_a_frame():
    assert find_grids(render(PLAN_A)) == []
    framed = render(PLAN_A)
    framed[40:44, 40:-40] = 0                               # a rule under the header, a box around it all
    framed[-44:-40, 40:-40] = 0
    framed[40:-40, 40:44] = 0
    framed[40:-40, -44:-40] = 0
    assert find_grids(framed) == []
    lined = np.full((1200, 1800), 255, dtype=np.uint8)   # ruled paper: rows thinner than a line of text
    for y in range(100, 1100, 25):
        lined[y:y + 3, 100:1700] = 0
    lined[100:1100, 100:103] = 0
    lined[100:1100, 1697:1700] = 0
    assert find_grids(lined) == []


def test_column_rules_survive_the_streak_eraser():
    page = task_page()
    streaked = page.copy()
    streaked[:, 1400:1403] = np.minimum(streaked[:, 1400:1403], 120)    # dirt on the glass, top to bottom
    out, erased = remove_streaks(streaked)
    assert 0 < erased <= 8
    assert (out[:, 1400:1403] > 200).mean() > 0.9           # the streak is gone
    [grid] = find_grids(out)
    assert grid.cols == 5                                   # the table's rules are not


@pytest.mark.slow
def test_a_scanned_table_is_read_cell_by_cell_and_gives_assignments():
    from pipeline.parse import parse_plan
    from pipeline.restore import restore_text

    raw = read(scanned(task_page(), angle=0.4, seed=3))
    [table] = raw.tables
    assert table.source == "scan"
    grid = table.grid()
    assert [c.lower() for c in grid[0]] == [c.lower() for c in TASKS[0]]
    assert grid[3][3] == "Sở Nội vụ" and table.rows[2][3].rowspan == 2     # one cell, two rows
    assert grid[1][1] == "Rà soát văn bản quy phạm pháp luật do tỉnh ban hành"   # a wrapped cell is one text
    row = raw.lines[table.line - 1 + 1].text
    assert row.startswith("1 | Rà soát") and row.count(" | ") == 4
    # the rows sit between the heading above and the line below
    texts = [line.text for line in raw.lines]
    assert texts.index("NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026") < table.line - 1
    assert any("nghiêm túc" in t for t in texts[table.line - 1 + len(table.rows):])
    plan = parse_plan(restore_text(raw), Source("table.png", "0" * 64, "image", 1))
    assert [(a.number, a.assignee, a.deadline, a.co_assignees) for a in plan.assignments] == [
        (1, "Sở Tư pháp", "2026-12", ["Các sở, ban, ngành"]),
        (2, "Sở Nội vụ", "2026-09", ["Văn phòng UBND tỉnh"]),
        (3, "Sở Nội vụ", "2026-12", ["Sở Tài chính"])]


def test_restoration_keeps_the_bars_of_a_table_row():
    """Legacy OCR writes "|" for l and I, and restoration may read it as a word; the bars
    between the cells of a row are the row's."""
    from pipeline import restore
    row = "1 | Ra soat van ban quy pham | So Tu phap | Quy IV/2026"
    assert restore(row).text.count(" | ") == 3
    assert restore("l | Ra soat van ban | So Tu phap | Quy IV/2026").text.count(" | ") == 3


@pytest.mark.slow
def test_a_scanned_indicator_table_gives_targets():
    from pipeline.parse import parse_plan
    from pipeline.restore import restore_text

    rows = [["STT", "Chỉ tiêu", "ĐVT", "Ước thực hiện năm 2025", "Kế hoạch năm 2026"],
            ["1", "Tỷ lệ che phủ rừng", "%", "45,3", "45,5"],
            ["2", "Thu ngân sách nhà nước trên địa bàn", "Tỷ đồng", "11.820", "12.500"]]
    page = render_table(["PHỤ LỤC", "CÁC CHỈ TIÊU CHỦ YẾU NĂM 2026"], rows, widths=[140, 800, 220, 330, 330])
    plan = parse_plan(restore_text(read(scanned(page, seed=5))), Source("t.png", "0" * 64, "image", 1))
    [table] = plan.tables
    assert table.kind == "indicators" and table.columns == ["number", "indicator", "unit", "previous", "plan"]
    assert [(t.indicator, t.value, t.unit, t.previous, t.source) for t in plan.targets] == [
        ("Tỷ lệ che phủ rừng", 45.5, "%", 45.3, "table"),
        ("Thu ngân sách nhà nước trên địa bàn", 12500, "tỷ đồng", 11820, "table")]
