"""Rebuilding paragraphs from scan lines (pipeline/export/paragraphs.py)."""
from __future__ import annotations

import pytest

from pipeline.export.paragraphs import (build_paragraphs, ends_sentence, find_marker, heading_levels, is_heading_text,
                                       join_lines)
from tests.conftest import LEGACY_SAMPLE
from tests.docx_samples import CHANGES, TAN_PHONG, restored_from

# Lines of a typical page: about 80 characters when full.
FULL = "Các ban, ngành, đoàn thể và thôn xây dựng kế hoạch cụ thể, phân công rõ người, rõ"


@pytest.mark.parametrize("line, kind, label", [
    ("I. MỤC ĐÍCH, YÊU CẦU", "roman", "I"),
    ("IV. TỔ CHỨC THỰC HIỆN", "roman", "IV"),
    ("HI. NHIỆM VỤ, GIẢI PHÁP", "roman", "III"),     # OCR look-alikes of a Roman numeral
    ("Il. NỘI DUNG", "roman", "II"),
    ("1V. TỔ CHỨC THỰC HIỆN", "roman", "IV"),
    ("1. Mục đích", "number", "1"),
    ("11. Tỷ lệ trẻ em suy dinh dưỡng: 10,2 %", "number", "11"),
    ("1.1. Thi đua tập trung", "number", "1.1"),
    ("2.3 Phát triển sản xuất", "number", "2.3"),
    ("2) Trồng rừng", "number", "2"),
    ("‘ 5. Phát triển chăn nuôi", "number", "5"),    # a stray quote before the number
    ("a) Về kinh tế", "letter", "a"),
    ("đ) Về môi trường", "letter", "đ"),
    ("- Lưu: VT.", "bullet", "-"),
    ("+ Thôn Đồng Tâm", "bullet", "+"),
])
def test_find_marker_reads_item_numbering(line, kind, label):
    marker = find_marker(line)
    assert marker is not None and (marker.kind, marker.label) == (kind, label)


@pytest.mark.parametrize("line", [
    "1.790 tấn thóc",               # a number, not an item
    "2024 của xã",
    "5 con trâu",
    "1.5 ha đất",
    "Il. nội dung",                 # a look-alike counts only before an upper-case heading
    "Phát triển sản xuất",
    "",
])
def test_find_marker_ignores_running_text(line):
    assert find_marker(line) is None


def test_mid_sentence_lines_join_into_one_paragraph():
    lines = [FULL, "việc, rõ thời gian hoàn thành. Thường xuyên kiểm tra, đôn đốc, kịp thời tháo gỡ",
             "khó khăn, vướng mắc."]
    assert join_lines(lines) == [" ".join(lines)]


def test_blank_line_after_a_sentence_starts_a_paragraph():
    assert join_lines([FULL, "việc.", "", FULL, "việc."]) == [f"{FULL} việc.", f"{FULL} việc."]


def test_blank_line_inside_a_sentence_is_a_page_break():
    lines = ["Thường xuyên kiểm tra, đôn đốc, kịp thời tháo gỡ khó khăn, vướng mắc trong quá",
             "", "", "trình thực hiện; định kỳ sơ kết, rút kinh nghiệm."]
    assert join_lines(lines) == [" ".join(lines[0:1] + lines[3:])]


def test_headings_and_items_start_paragraphs_even_without_blank_lines():
    lines = ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", FULL, "việc.", "2. Yêu cầu",
             "a) Về sản xuất", FULL, "việc.", "II. CÁC CHỈ TIÊU", "1. Trồng rừng: 62 ha.",
             "2. Đàn lợn: 7.800 con."]
    paragraphs = build_paragraphs(lines)
    assert [p.text for p in paragraphs] == [
        "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", f"{FULL} việc.", "2. Yêu cầu", "a) Về sản xuất",
        f"{FULL} việc.", "II. CÁC CHỈ TIÊU", "1. Trồng rừng: 62 ha.", "2. Đàn lợn: 7.800 con."]
    assert [p.heading for p in paragraphs] == [True, True, False, True, True, False, True, False, False]
    assert [(p.first_line, p.last_line) for p in paragraphs][:3] == [(1, 1), (2, 2), (3, 4)]


def test_short_line_ending_a_sentence_ends_the_paragraph():
    lines = [FULL, "việc.", "Thường xuyên kiểm tra, đôn đốc, kịp thời tháo gỡ khó khăn, vướng mắc trong quá",
             "trình thực hiện."]
    assert join_lines(lines) == [f"{FULL} việc.", " ".join(lines[2:])]


def test_a_dash_inside_a_sentence_is_not_a_bullet():
    lines = ["Thực hiện có hiệu quả các chương trình phát triển kinh tế, văn hóa, xã hội, kinh tế",
             "- xã hội vùng đồng bào dân tộc thiểu số.", "- Trưởng các thôn;", "- Lưu: VT."]
    assert join_lines(lines) == [" ".join(lines[:2]), "- Trưởng các thôn;", "- Lưu: VT."]


def test_an_upper_case_heading_may_run_over_two_lines():
    lines = ["II. NỘI DUNG THI ĐUA VÀ CÁC CHỈ TIÊU CHỦ YẾU VỀ PHÁT TRIỂN KINH TẾ - XÃ HỘI",
             "NĂM 2025", FULL, "việc."]
    paragraphs = join_lines(lines)
    assert paragraphs[0] == " ".join(lines[:2]) and paragraphs[1] == f"{FULL} việc."


def test_forced_breaks_split_where_the_parser_found_a_section():
    lines = [FULL, "Phát triển kinh tế nông nghiệp bền vững"]
    assert len(build_paragraphs(lines)) == 1
    assert [p.text for p in build_paragraphs(lines, force_breaks={2})] == lines


def test_heading_text_rules():
    assert is_heading_text("2. Chỉ tiêu thi đua năm 2024", find_marker("2. Chỉ tiêu thi đua năm 2024"))
    assert not is_heading_text("10. Bản văn hóa: 9 bản", find_marker("10. Bản văn hóa: 9 bản"))
    assert not is_heading_text("4. Trồng mới cây phân tán 58.000 cây", find_marker("4. Trồng mới"))
    assert not is_heading_text("1. Thường trực HĐTĐKT xã có trách nhiệm triển khai kế hoạch.",
                               find_marker("1. Thường"))
    assert is_heading_text("PHỤ LỤC", None) and not is_heading_text("Phụ lục kèm theo", None)
    assert not is_heading_text("- Lưu: VT", find_marker("- Lưu: VT"))


def test_ends_sentence():
    assert ends_sentence("thực hiện.") and ends_sentence("như sau:") and ends_sentence("huyện;")
    assert ends_sentence("“cần cù, sáng tạo.”") and ends_sentence("năm 2024./.")
    assert not ends_sentence("kinh tế -") and not ends_sentence("phân công rõ người, rõ")


def test_spans_point_at_their_tokens_after_joining():
    restored = restored_from(TAN_PHONG, CHANGES)
    paragraphs = build_paragraphs(restored.lines)
    spans = [s for p in paragraphs for s in p.spans]
    assert len(spans) == len([t for t in restored.tokens if t.text])
    for p in paragraphs:
        assert "\n" not in p.text
        for s in p.spans:
            assert p.text[s.start:s.end] == s.token.text
            assert s.token in restored.lines[s.line - 1].tokens
            assert s.line in p.lines


def test_spans_survive_leading_whitespace_and_punctuation():
    restored = restored_from("   “Toàn dân đoàn kết” là phong trào\n  (năm 2025).")
    paragraphs = build_paragraphs(restored.lines)
    assert [p.text for p in paragraphs] == ["“Toàn dân đoàn kết” là phong trào (năm 2025)."]
    p = paragraphs[0]
    assert [p.text[s.start:s.end] for s in p.spans] == ["Toàn", "dân", "đoàn", "kết", "là", "phong",
                                                         "trào", "năm", "2025"]


def test_legacy_sample_rebuilds_into_its_paragraphs():
    """The shared sample's OCR: 10 sections of prose, 14 target items, recipients."""
    lines = LEGACY_SAMPLE.read_text(encoding="utf-8").split("\n")
    paragraphs = build_paragraphs(lines)
    texts = [p.text for p in paragraphs]
    # The first paragraph after the title runs over six scan lines and ends in `sau:`.
    assert paragraphs[1].last_line - paragraphs[1].first_line == 5 and texts[1].endswith("sau:")
    # The numbered targets 1-14 are one paragraph each, the stray quote before 5 included.
    numbered = [p.marker.label for p in paragraphs if p.marker and p.marker.kind == "number"
                and ":" in p.text and any(c.isdigit() for c in p.text[p.marker.end:])]
    assert [str(n) for n in range(1, 15)] == [n for n in numbered if n.isdigit()][:14]
    romans = [p.marker.label for p in paragraphs if p.marker and p.marker.kind == "roman"]
    assert romans == ["I", "II", "III", "IV"]
    # No paragraph keeps a line break, and none is a fragment that starts mid-sentence.
    assert all("\n" not in t for t in texts)
    assert sum(1 for t in texts if t[:1].islower()) == 0


def test_part_letters_mark_headings_only_before_capitals():
    assert (find_marker("A- MỤC ĐÍCH, YÊU CẦU").kind, find_marker("B. NHIỆM VỤ").label) == ("part", "B")
    assert find_marker("A- Mục đích") is None and find_marker("Anh Nguyễn Văn A.") is None


def test_heading_levels_follow_the_outline_the_document_uses():
    marks = lambda *lines: [find_marker(l) for l in lines]   # noqa: E731
    assert heading_levels(marks("I. MỤC ĐÍCH", "1. Mục đích", "1.1. Về kinh tế")) == {1: 1, 2: 2, 3: 3}
    assert heading_levels(marks("A- MỤC TIÊU", "1. Mục tiêu chung")) == {0: 1, 2: 2}
    assert heading_levels(marks("1. MỤC ĐÍCH", "a) Về kinh tế")) == {2: 1, 4: 2}
    assert heading_levels(marks("A- PHẦN MỘT", "I. MỤC TIÊU", "1. Chung", "a) Riêng")) == {0: 1, 1: 2, 2: 3, 4: 3}
