"""Provincial plans as analysts get them: headings that lost their numbers, bullets that are
list items, prose assignments with partner bodies and deadlines, Phụ lục tables of tasks and of
indicators, targets inside task bullets and table cells, a target restated in the Phụ lục.
The texts are written here in the genre; tests/data/plans holds two whole plans of the kind
with their expected plans (test_parse_golden.py)."""
from __future__ import annotations

import pytest

from pipeline.parse import parse_text
from pipeline.parse.assignments import find_deadline, find_partners
from pipeline.parse.periods import deadline_of
from pipeline.parse.table_items import split_bodies


HEAD = """\
ỦY BAN NHÂN DÂN TỈNH HÀ LAM | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND | Hà Lam, ngày 08 tháng 01 năm 2026
KẾ HOẠCH
Cải cách hành chính năm 2026
"""


def outline(plan):
    out = []

    def walk(sections, depth=0):
        for s in sections:
            out.append(("  " * depth) + f"{s.number} {s.title}")
            walk(s.children, depth + 1)
    walk(plan.sections)
    return out


AREAS = HEAD + """\
II. NHIỆM VỤ TRỌNG TÂM
Cải cách thể chế
a) Mục tiêu
- 100% văn bản quy phạm pháp luật được ban hành đúng trình tự, thủ tục.
b) Nhiệm vụ
- Rà soát văn bản quy phạm pháp luật.
Cải cách thủ tục hành chính
a) Mục tiêu
- Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98%; tỷ lệ hồ sơ trực tuyến toàn trình đạt 80%.
b) Nhiệm vụ
- Số hóa hồ sơ, phấn đấu đạt 100% đối với hồ sơ tiếp nhận mới.
III. TỔ CHỨC THỰC HIỆN
Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Văn phòng UBND tỉnh kiểm tra, đôn đốc thực hiện."""


def test_headings_without_numbers_take_their_place_in_the_outline():
    plan = parse_text(AREAS)
    assert outline(plan) == [
        "II NHIỆM VỤ TRỌNG TÂM",
        "  1 Cải cách thể chế", "    a Mục tiêu", "    b Nhiệm vụ",
        "  2 Cải cách thủ tục hành chính", "    a Mục tiêu", "    b Nhiệm vụ",
        "III TỔ CHỨC THỰC HIỆN"]
    area = plan.sections[0].children[1]
    assert area.number_inferred and not area.children[0].number_inferred
    # the targets under the second area are targets, not sections
    assert [t.value for t in plan.targets] == [100, 98, 80, 100]


def test_bullets_are_items_of_their_section_never_sections():
    plan = parse_text(AREAS)
    goal = plan.sections[0].children[0].children[1]
    assert goal.title == "Nhiệm vụ" and goal.children == []
    assert goal.items == ["Rà soát văn bản quy phạm pháp luật."]


def test_a_wrapped_line_of_a_scan_is_no_heading():
    text = HEAD + ("I. MỤC ĐÍCH\nThực hiện Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng\n"
            "Chính phủ phê duyệt Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn\n"
            "2021 - 2025, Ủy ban nhân dân thị trấn ban hành Kế hoạch thực hiện năm 2025 như sau và\n"
            "tiếp tục triển khai các nhiệm vụ của Ủy ban nhân dân huyện giao cho địa phương.\n"
            "II. NỘI DUNG\nTuyên truyền sâu rộng.")
    assert outline(parse_text(text)) == ["I MỤC ĐÍCH", "II NỘI DUNG"]


def test_two_targets_in_one_sentence_and_a_target_in_a_task_bullet():
    plan = parse_text(AREAS)
    named = {(t.indicator, t.value, t.qualifier) for t in plan.targets}
    assert ("Tỷ lệ hồ sơ giải quyết đúng hạn", 98, "đạt") in named
    assert ("tỷ lệ hồ sơ trực tuyến toàn trình", 80, "đạt") in named
    # inside a task bullet, named by the words before the cue, with its scope
    assert ("Số hóa hồ sơ đối với hồ sơ tiếp nhận mới", 100, "đạt") in named


def test_an_indicator_keeps_its_brackets_and_its_scope():
    plan = parse_text(HEAD + "I. MỤC TIÊU\n2. Chỉ tiêu\n- Tốc độ tăng trưởng kinh tế (GRDP) đạt 8,5%.\n"
                      "- 100% cá nhân, tổ chức đối với dịch vụ công trực tuyến được hướng dẫn.")
    assert [t.indicator for t in plan.targets] == [
        "Tốc độ tăng trưởng kinh tế (GRDP)", "cá nhân, tổ chức đối với dịch vụ công trực tuyến được hướng dẫn"]


def test_prose_assignments_with_partners_and_deadlines():
    text = HEAD + """\
III. TỔ CHỨC THỰC HIỆN
1. Công tác triển khai
Sở Nội vụ có trách nhiệm theo dõi, đôn đốc; báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2026.
Sở Tư pháp chủ trì, phối hợp với Văn phòng UBND tỉnh, Sở Tài chính và các sở, ngành liên quan rà soát văn bản.
Các sở, ban, ngành; UBND các xã, phường: xây dựng kế hoạch, gửi Sở Nội vụ chậm nhất là ngày 31/01/2026.
2. Kinh phí thực hiện
Sở Tài chính tham mưu bố trí kinh phí thực hiện."""
    plan = parse_text(text)
    got = [(a.assignee, a.deadline, a.co_assignees) for a in plan.assignments]
    assert got == [
        ("Sở Nội vụ", "2026-12-15", []),
        ("Sở Tư pháp", None, ["Văn phòng UBND tỉnh", "Sở Tài chính", "các sở, ngành liên quan"]),
        ("Các sở, ban, ngành; UBND các xã, phường", "2026-01-31", []),
        ("Sở Tài chính", None, [])]             # not "Công tác" nor "Kinh phí": those group the others
    assert all(a.source == "body" for a in plan.assignments)


PHU_LUC = HEAD + """\
I. NHIỆM VỤ
- Tỷ lệ che phủ rừng đạt 45,5%.
II. TỔ CHỨC THỰC HIỆN
Sở Tài chính theo dõi việc thực hiện.
Nơi nhận: - Bộ Nội vụ; - Lưu: VT. | TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Phạm Quốc Hưng

PHỤ LỤC
(Kèm theo Kế hoạch số 05/KH-UBND ngày 06/01/2026)
TT | Nhiệm vụ | Sản phẩm | Thời gian hoàn thành | Cơ quan chủ trì | Cơ quan phối hợp
I | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ
1 | Rà soát văn bản quy phạm pháp luật | Báo cáo | Quý IV/2026 | Sở Tư pháp | Các sở, ban, ngành; UBND các xã, phường
2 | Số hóa hồ sơ, đạt 100% hồ sơ tiếp nhận mới | Hồ sơ số | 6 tháng đầu năm 2026 | Văn phòng UBND tỉnh | Sở Văn hóa, Thể thao và Du lịch, Sở Khoa học và Công nghệ
STT | Chỉ tiêu | ĐVT | Ước thực hiện năm 2025 | Kế hoạch năm 2026
1 | Tỷ lệ che phủ rừng | % | 45,3 | 45,5
2 | Tỷ lệ dân số tham gia bảo hiểm y tế | % | 94,1 | ≥ 95
3 | Xếp hạng Chỉ số cải cách hành chính | Hạng | 20 | Nhóm 10 tỉnh dẫn đầu"""


def test_a_task_table_gives_assignments():
    plan = parse_text(PHU_LUC)
    rows = [a for a in plan.assignments if a.source == "table"]
    assert [(a.number, a.assignee, a.deadline, a.product, a.co_assignees) for a in rows] == [
        (1, "Sở Tư pháp", "2026-12", "Báo cáo", ["Các sở, ban, ngành", "UBND các xã, phường"]),
        (2, "Văn phòng UBND tỉnh", "2026-06", "Hồ sơ số",
         ["Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ"])]
    assert rows[0].responsibility == "Rà soát văn bản quy phạm pháp luật"
    lines = PHU_LUC.split("\n")
    assert lines[rows[0].line - 1].startswith("1 | Rà soát")
    # the signer on the row of "Nơi nhận", and the annex after it read
    assert plan.header.signer == "Phạm Quốc Hưng" and plan.recipients == ["Bộ Nội vụ", "Lưu: VT"]


def test_an_indicator_table_gives_targets_and_a_restated_target_is_one():
    plan = parse_text(PHU_LUC)
    [tasks, indicators] = plan.tables
    assert (tasks.kind, indicators.kind) == ("tasks", "indicators")
    assert indicators.columns == ["number", "indicator", "unit", "previous", "plan"]
    forest = [t for t in plan.targets if t.indicator.lower() == "tỷ lệ che phủ rừng"]
    assert len(forest) == 1                                   # body and Phụ lục: one target
    [forest] = forest
    assert (forest.value, forest.previous, forest.source) == (45.5, 45.3, "body")
    assert [(p.table, p.row) for p in forest.places] == [(None, None), (1, 1)]
    insurance = next(t for t in plan.targets if "bảo hiểm y tế" in t.indicator)
    assert (insurance.value, insurance.unit, insurance.qualifier, insurance.previous, insurance.source) == (
        95, "%", "tối thiểu", 94.1, "table")
    # a rank written in words is no value; a quantified task cell is a target
    assert not any("Xếp hạng" in t.indicator for t in plan.targets)
    assert any(t.value == 100 and t.source == "table" and "Số hóa hồ sơ" in t.indicator for t in plan.targets)


@pytest.mark.parametrize("cell, year, iso", [
    ("Quý IV/2026", None, "2026-12"), ("Tháng 02/2026", None, "2026-02"), ("Trước 30/6/2026", None, "2026-06-30"),
    ("6 tháng đầu năm 2026", None, "2026-06"), ("Tháng 3 - tháng 6/2026", None, "2026-06"),
    ("Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1", 2026, "2026-01-23"), ("Năm 2026", None, "2026"),
    ("Thường xuyên", 2026, None), ("Hằng năm", 2026, None)])
def test_deadlines_of_table_cells(cell, year, iso):
    assert deadline_of(cell, year) == iso


def test_deadlines_in_prose():
    assert find_deadline("gửi Sở Nội vụ chậm nhất là ngày 31/01/2026") == "2026-01-31"
    assert find_deadline("hoàn thành trong Quý III/2026") == "2026-09"
    assert find_deadline("báo cáo trước ngày 15/12 hằng năm", 2026) is None
    assert find_deadline("thực hiện trong năm 2026") is None


def test_bodies_split_where_a_name_starts():
    assert split_bodies("Sở Văn hóa, Thể thao và Du lịch, Sở Khoa học và Công nghệ") == [
        "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ"]
    assert split_bodies("Các sở, ban, ngành") == ["Các sở, ban, ngành"]
    assert split_bodies("- Sở Nội vụ;\n- Sở Tài chính") == ["Sở Nội vụ", "Sở Tài chính"]
    assert find_partners("Sở Xây dựng chủ trì, phối hợp với Sở Kế hoạch và Đầu tư thẩm định dự án") == [
        "Sở Kế hoạch và Đầu tư"]


def test_diff_follows_tables_and_assignments():
    """A year on: a Phụ lục task moves its deadline, one task is dropped, an indicator of the
    table changes. The diff says so (targets from tables compared like the others)."""
    from pipeline.export.diff import diff_plans
    old = parse_text(PHU_LUC)
    new_text = (PHU_LUC.replace("Quý IV/2026", "Quý II/2026").replace("| 94,1 | ≥ 95", "| 94,1 | ≥ 96")
                .replace("1 | Tỷ lệ che phủ rừng | % | 45,3 | 45,5\n", ""))
    new_text = "\n".join(line for line in new_text.split("\n") if not line.startswith("2 | Số hóa"))
    diff = diff_plans(old, parse_text(new_text))
    moved = {(a["assignee"], a["change"], a["old_deadline"], a["new_deadline"]) for a in diff["assignments"]}
    assert moved == {("Sở Tư pháp", "changed", "2026-12", "2026-06"), ("Văn phòng UBND tỉnh", "removed", "2026-06", None)}
    insurance = next(c for c in diff["changes"] if "bảo hiểm y tế" in c["indicator"])
    assert (insurance["old"], insurance["new"], insurance["change"]) == (95, 96, "changed")
    # the forest target is still stated in the body: unchanged, not removed with its table row
    forest = next(c for c in diff["changes"] if c["indicator"].lower() == "tỷ lệ che phủ rừng")
    assert forest["change"] == "unchanged"


def test_targets_as_data_carry_previous_value_source_and_places():
    from pipeline.export.targets import TARGET_COLUMNS, target_rows, to_csv
    rows = target_rows(parse_text(PHU_LUC), "phu-luc")
    forest = next(r for r in rows if r["indicator"].lower() == "tỷ lệ che phủ rừng")
    assert (forest["previous"], forest["source"]) == (45.3, "body")
    assert forest["places"] == f"{forest['line']};{PHU_LUC.split(chr(10)).index('1 | Tỷ lệ che phủ rừng | % | 45,3 | 45,5') + 1}"
    assert TARGET_COLUMNS[-3:] == ["previous", "source", "places"]
    assert to_csv(rows).split("\n")[0].endswith(",previous,source,places")


def test_a_row_broken_by_a_page_is_one_row_and_a_misread_number_is_repaired():
    """A table on two pages repeats its header; the row the page broke goes on without a
    number on the next page. OCR read the "3" of a row as "ö"."""
    text = HEAD + """\
III. CÁC HOẠT ĐỘNG
TT | Nội dung | Trách nhiệm thực hiện | Thời gian (Năm 2026)
1 | Giải đáp kiến nghị về thủ tục đất đai | Lãnh đạo Sở Nông nghiệp và Môi trường | Ngày 23 tháng 1
2 | Giải đáp kiến nghị về thuế | Lãnh đạo | Từ 20 giờ 15 phút -

TT | Nội dung | Trách nhiệm thực hiện | Thời gian (Năm 2026)
 | thuộc thẩm quyền của Thuế tỉnh | Thuế tỉnh | 20 giờ 45 phút ngày 13 tháng 3
ö | Giải đáp kiến nghị về đầu tư | Lãnh đạo Sở Tài chính | Ngày 10 tháng 4
4 | Giải đáp kiến nghị về y tế | Lãnh đạo Sở Y tế | Ngày 08 tháng 5"""
    plan = parse_text(text)
    assert len(plan.tables) == 2                      # as the pages show them
    assert [(a.number, a.assignee, a.deadline) for a in plan.assignments] == [
        (1, "Lãnh đạo Sở Nông nghiệp và Môi trường", "2026-01-23"),
        (2, "Lãnh đạo Thuế tỉnh", "2026-03-13"),
        (3, "Lãnh đạo Sở Tài chính", "2026-04-10"),
        (4, "Lãnh đạo Sở Y tế", "2026-05-08")]
    assert plan.assignments[1].responsibility == "Giải đáp kiến nghị về thuế thuộc thẩm quyền của Thuế tỉnh"


def test_a_heading_in_capitals_broken_after_an_open_word_is_one_heading():
    text = HEAD + ("III. MỘT SỐ HOẠT ĐỘNG TUYÊN TRUYỀN TRỌNG TÂM TRONG\nNĂM 2026\n"
                   "1. Tổ chức Cuộc thi tìm hiểu về cải cách hành chính\n"
                   "Sở Nội vụ xây dựng chương trình truyền hình gồm 11 chuyên mục.")
    plan = parse_text(text)
    assert plan.sections[0].title == "MỘT SỐ HOẠT ĐỘNG TUYÊN TRUYỀN TRỌNG TÂM TRONG NĂM 2026"
    # activities are tasks: a quantified one is a commitment
    assert [(t.value, t.unit) for t in plan.targets] == [(11, "chuyên mục")]
