"""The parser, one construct at a time: numbers, units, ranges, qualifiers, breakdowns, headers,
numbering, references, assignments, recipients. Whole documents are in test_parse_golden.py."""
from __future__ import annotations

import pytest

from pipeline.model import RawText, Source
from pipeline.parse import parse_plan, parse_text
from pipeline.parse.assignments import find_deadline, pipeline, read_assignment
from pipeline.parse.header import split_bodies
from pipeline.parse.layout import Block, Line, build_blocks, mark_furniture, repair_line
from pipeline.parse.numbers import parse_number
from pipeline.parse.references import find_references
from pipeline.parse.targets import find_quantities, read_targets


def block(text: str, first_line: int = 1) -> Block:
    b = Block(marker=None, text="")
    for k, piece in enumerate(text.split("\n")):
        b.append(piece, first_line + k)
    return b


def targets(text: str, strict: bool = True, legacy: bool = False):
    return read_targets(block(text), 1, strict=strict, legacy=legacy)


def facts(text: str, **kw):
    return [(t.indicator, t.value, t.value_max, t.unit, t.qualifier) for t in targets(text, **kw)]


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("raw, kind, value", [
    ("6.832.510.000", "money", 6832510000),     # dots group thousands
    ("10,2", "percent", 10.2),                  # the comma is the decimal mark
    ("2.32", "percent", 2.32),                  # OCR's point before two digits: a decimal
    ("1.600", "count", 1600),
    ("1,600", "count", 1600),                   # a count is whole: the comma grouped thousands
    ("1,850", "money", 1.85),                   # elsewhere a comma is a decimal mark
    ("2.320", "percent", 2.32),                 # 2320 % is not a rate
    ("0.850", "measure", 0.85),
    ("58. 000", "count", 58000),                # a space OCR put after the separator
    ("6.832.510,5", None, 6832510.5),
    ("62,5", "measure", 62.5),
])
def test_vietnamese_numbers(raw, kind, value):
    assert parse_number(raw, kind) == value


def test_value_is_a_json_number_and_raw_keeps_the_writing():
    t = targets("Mức giảm nghèo theo tiêu chí mới: 2.32 %")[0]
    assert t.value == 2.32 and isinstance(t.value, float) and t.raw == "2.32 %"
    t = targets("Gia đình văn hóa: 1.600 hộ")[0]
    assert t.value == 1600 and isinstance(t.value, int)


# --------------------------------------------------------------------------- units and what is not a quantity

@pytest.mark.parametrize("text, unit", [
    ("Năng suất lúa bình quân đạt 62,5 tạ/ha", "tạ/ha"),
    ("Thu nhập bình quân đầu người đạt 52 triệu đồng/người/năm", "triệu đồng/người/năm"),
    ("Thu ngân sách đạt 1,85 tỷ đồng", "tỷ đồng"),
    ("Khám bệnh cho 4.800 lượt người", "lượt người"),
    ("Cứng hóa 4,5 km đường giao thông", "km"),
    ("Diện tích nhà văn hóa: 250 m2", "m²"),
    ("Giao quân: 14 công dân", "công dân"),
    ("Tỷ lệ hộ nghèo: 0,85%", "%"),
])
def test_units_from_the_data_file(text, unit):
    assert [q.unit for q in find_quantities(text)] == [unit]


@pytest.mark.parametrize("text", [
    "Chỉ thị số 19/CT-TTg ngày 16/7/2021 của Thủ tướng Chính phủ",
    "kế hoạch 5 năm (2021 - 2025)",
    "Kỷ niệm 70 năm Chiến thắng Điện Biên Phủ",
    "Nghị định số 98/2023/NĐ-CP",
    "năm 2025 xã phấn đấu",
    "trẻ em dưới 5 tuổi vào lớp 1",
    "ngày 10 tháng 01 năm 2025",
    "nồng độ bụi PM2.5 trung bình năm",
])
def test_dates_codes_years_and_ages_are_not_quantities(text):
    assert find_quantities(text) == []


def test_numbers_inside_an_indicator_name():
    assert facts("Tỷ lệ trẻ em 6 tuổi vào lớp 1 đạt 100%") == [
        ("Tỷ lệ trẻ em 6 tuổi vào lớp 1", 100, None, "%", "đạt")]
    assert facts("Số hộ có thu nhập trên 50 triệu đồng/năm: 120 hộ") == [
        ("Số hộ có thu nhập trên 50 triệu đồng/năm", 120, None, "hộ", None)]


# --------------------------------------------------------------------------- ranges and qualifiers

@pytest.mark.parametrize("text, value, value_max", [
    ("Tốc độ tăng trưởng đạt 7,5 - 8,0%", 7.5, 8.0),
    ("Tỷ lệ tăng 5-7%", 5, 7),
    ("Tỷ lệ thu gom đạt từ 90% đến 95%", 90, 95),
    ("Giới thiệu từ 20 đến 25 quần chúng ưu tú", 20, 25),
])
def test_ranges_fill_value_and_value_max(text, value, value_max):
    t = targets(text)[0]
    assert (t.value, t.value_max) == (value, value_max)


@pytest.mark.parametrize("text, qualifier", [
    ("Tỷ lệ người dân tham gia bảo hiểm y tế đạt 95% trở lên", "trở lên"),
    ("Tỷ lệ giáo viên đạt chuẩn trên 95%", "trên"),
    ("Thu nhập bình quân đạt trên 60 triệu đồng/người/năm", "trên"),    # the bound wins over "đạt"
    ("Giải quyết việc làm cho ít nhất 180 lao động", "ít nhất"),
    ("Tỷ lệ hộ nghèo giảm còn 2,8%", "giảm còn"),
    ("Tỷ lệ hộ nghèo giảm xuống còn 2,8%", "giảm còn"),
    ("Tỷ lệ học sinh bỏ học không quá 0,5%", "không quá"),
    ("Thu ngân sách tăng 6% so với năm 2024", "tăng"),
    ("Năng suất lúa đạt 62 tạ/ha", "đạt"),
    ("Diện tích đất 500 ha", None),             # "đất" is not "đạt"
])
def test_qualifiers(text, qualifier):
    assert targets(text)[0].qualifier == qualifier


# --------------------------------------------------------------------------- target forms

def test_breakdown_after_trong_do():
    t, = targets("Tổng sản lượng lương thực có hạt: 2.210 tấn, trong đó thóc 1.790 tấn")
    assert (t.indicator, t.value, t.unit) == ("Tổng sản lượng lương thực có hạt", 2210, "tấn")
    assert [(b.indicator, b.value, b.unit) for b in t.breakdown] == [("thóc", 1790, "tấn")]


def test_parent_with_a_breakdown_list():
    t, = targets("Phát triển chăn nuôi: Trâu, bò, ngựa: 710 con; lợn: 5.500 con; dê 380 con; gia cầm: 410.000 con")
    assert (t.indicator, t.value, t.unit) == ("Phát triển chăn nuôi", None, None)
    assert [(b.indicator, b.value) for b in t.breakdown] == [
        ("Trâu, bò, ngựa", 710), ("lợn", 5500), ("dê", 380), ("gia cầm", 410000)]


def test_parenthesised_breakdown():
    t, = targets("Số trường đạt chuẩn quốc gia: 31 trường (trong đó: mầm non 10 trường; tiểu học 12 trường).")
    assert [(b.indicator, b.value, b.unit) for b in t.breakdown] == [("mầm non", 10, "trường"), ("tiểu học", 12, "trường")]


def test_one_sub_item_is_one_target():
    assert facts("Sản phẩm cây công nghiệp hằng năm: lạc vỏ: 255 tấn") == [
        ("Sản phẩm cây công nghiệp hằng năm: lạc vỏ", 255, None, "tấn", None)]


def test_several_quantities_on_one_line():
    assert facts("Sản lượng lúa: 2.961 tấn; Sản lượng bắp: 14 tấn") == [
        ("Sản lượng lúa", 2961, None, "tấn", None), ("Sản lượng bắp", 14, None, "tấn", None)]
    assert facts("Thu ngân sách trên địa bàn đạt 1,85 tỷ đồng, tăng 6% so với năm 2024") == [
        ("Thu ngân sách trên địa bàn", 1.85, None, "tỷ đồng", "đạt"),
        ("Thu ngân sách trên địa bàn", 6, None, "%", "tăng")]


def test_value_first_targets_take_their_indicator_from_what_follows():
    assert facts("Phấn đấu 98% hộ gia đình được sử dụng nước sạch.") == [
        ("hộ gia đình được sử dụng nước sạch", 98, None, "%", None)]
    assert facts("Kết nạp ít nhất 12 đảng viên mới.") == [("Kết nạp đảng viên mới", 12, None, "đảng viên", "ít nhất")]
    assert facts("Trồng mới 12 ha rừng tập trung.") == [("Trồng mới rừng tập trung", 12, None, "ha", None)]


def test_outside_target_sections_only_sentences_that_read_as_targets():
    assert targets("Hỗ trợ 50 hộ làm nhà ở.", strict=False) == []
    assert facts("Củng cố mạng lưới y tế, bảo đảm 100% thôn có nhân viên y tế.", strict=False) == [
        ("thôn có nhân viên y tế", 100, None, "%", None)]


def test_units_as_legacy_ocr_leaves_them():
    assert facts("Tổng sản lượng lương thực: 2.210 tin", legacy=True) == [
        ("Tổng sản lượng lương thực", 2210, None, "tấn", None)]
    assert facts("Gia đình văn hóa: 3.920 h6", legacy=True)[0][3] == "hộ"
    assert facts("Thu nhập đạt 52 triệu déng/ngudi/nam", legacy=True)[0][3] == "triệu đồng/người/năm"
    assert facts("Tổng sản lượng lương thực: 2.210 tin") == []      # clean text: no guessing


def test_target_lines_point_at_their_number():
    t, = read_targets(block("Tổng thu ngân sách: 23.400 triệu đồng; trong đó thu từ thuế: 15.600\ntriệu đồng.", 40),
                      2, strict=True)
    assert t.line == 40 and t.breakdown[0].line == 40
    t, = read_targets(block("Tổng thu ngân sách trên địa bàn năm nay là\n23.400 triệu đồng.", 40), 2, strict=True)
    assert t.line == 41


# --------------------------------------------------------------------------- lines, numbering, page breaks

def lines_of(text: str) -> list[Line]:
    lines = [Line(i + 1, repair_line(t)) for i, t in enumerate(text.split("\n"))]
    mark_furniture(lines)
    return lines


def test_roman_numerals_as_ocr_writes_them():
    text = "I. MỤC ĐÍCH\nA\nIl. NỘI DUNG\nB\nHI. GIẢI PHÁP\nC\n1V TỔ CHỨC THỰC HIỆN\nD"
    labels = [b.marker.label for b in build_blocks(lines_of(text)) if b.marker]
    assert labels == ["I", "II", "III", "IV"]


def test_eleven_is_eleven_without_roman_headings():
    text = "1. MỤC ĐÍCH\nx\n2. CHỈ TIÊU\n11. Tỷ lệ hộ nghèo: 2%"
    assert [b.marker.label for b in build_blocks(lines_of(text)) if b.marker] == ["1", "2", "11"]


def test_a_misread_repeat_is_the_next_part():
    text = "I. MỤC ĐÍCH\nx\nI. CHỈ TIÊU\ny\nII. NHIỆM VỤ\nz\nIV. TỔ CHỨC THỰC HIỆN"
    assert [b.marker.label for b in build_blocks(lines_of(text)) if b.marker] == ["I", "II", "III", "IV"]


def test_stray_quote_and_broken_lines():
    assert repair_line("5. Trồng mới cây phân tán: ‘58.000 cây") == "5. Trồng mới cây phân tán: 58.000 cây"
    assert repair_line("‘ 5. Phát triển chăn nuôi") == "5. Phát triển chăn nuôi"
    blocks = build_blocks(lines_of("1. Tổng thu ngân sách: 23.400 triệu đồng; trong đó thu từ phí:\n15.600\n\n"
                                   "triệu đồng.\n2. Sản lượng lúa: 500 tấn"))
    assert [b.marker.label for b in blocks] == ["1", "2"]
    assert blocks[0].text.endswith("phí: 15.600 triệu đồng.")


def test_page_furniture_is_dropped():
    text = ("1. Một câu dài bị ngắt ở cuối trang theo Nghị định số\n\n\nUBND xã An Phú - Trang 1\n\n"
            "UBND xã An Phú - Trang 2\n\n27/2022/NĐ-CP của Chính phủ.\n\n- 3 -\n\n2. Câu sau.")
    blocks = build_blocks(lines_of(text))
    assert [b.text for b in blocks] == ["Một câu dài bị ngắt ở cuối trang theo Nghị định số 27/2022/NĐ-CP của Chính phủ.",
                                        "Câu sau."]


# --------------------------------------------------------------------------- header and signature

HEADER = """UBND HUYỆN YÊN THẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ỦY BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc
XÃ HỢP THỊNH
Số: 15 /KH-UBND Hợp Thịnh, ngày 10 tháng 01 năm 2025
KẾ HOẠCH
Phát triển kinh tế - xã hội
năm 2025
Căn cứ Nghị quyết số 12/NQ-HĐND ngày 20/12/2024 của Hội đồng nhân dân xã;
I. MỤC TIÊU
Nơi nhận:
- UBND huyện;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Thị Hoa"""


def test_interleaved_header_columns():
    plan = parse_text(HEADER)
    h = plan.header
    assert (h.issuer, h.issuer_parent) == ("ỦY BAN NHÂN DÂN XÃ HỢP THỊNH", "UBND HUYỆN YÊN THẾ")
    assert (h.number, h.place, h.date, h.doc_type) == ("15/KH-UBND", "Hợp Thịnh", "2025-01-10", "KẾ HOẠCH")
    assert plan.title == "Phát triển kinh tế - xã hội năm 2025"
    assert (plan.year, plan.locality) == (2025, "Hợp Thịnh")
    assert (h.signer, h.signer_title) == ("Nguyễn Thị Hoa", "PHÓ CHỦ TỊCH")
    assert plan.recipients == ["UBND huyện", "Lưu: VT"]


def test_header_pieces_broken_over_lines():
    text = ("ỦY BAN NHÂN\nDÂN THÀNH PHỐ HỒ CHÍ MINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số:\n2820/QĐ-UBND\nThành phố Hồ\nChí Minh, ngày 19 tháng 11 năm 2025\nQUYẾT ĐỊNH\nVề việc ban hành kế hoạch\n")
    h = parse_text(text).header
    assert (h.issuer, h.number, h.place, h.date, h.doc_type) == (
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "2820/QĐ-UBND", "Thành phố Hồ Chí Minh", "2025-11-19", "QUYẾT ĐỊNH")


@pytest.mark.parametrize("pieces, bodies", [
    (["BỘ TÀI CHÍNH", "CỤC THUẾ"], ["BỘ TÀI CHÍNH", "CỤC THUẾ"]),
    (["BỘ NÔNG NGHIỆP", "VÀ", "MÔI TRƯỜNG"], ["BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"]),
    (["BỘ QUỐC PHÒNG"], ["BỘ QUỐC PHÒNG"]),
    (["UBND HUYỆN THANH SƠN ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG"], ["UBND HUYỆN THANH SƠN", "ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG"]),
    (["ỦY BAN NHÂN DÂN XÃ ĐỒNG PHÒNG"], ["ỦY BAN NHÂN DÂN XÃ ĐỒNG PHÒNG"]),
])
def test_issuing_bodies(pieces, bodies):
    assert split_bodies(pieces) == bodies


def test_no_header_block_title_is_the_first_line():
    plan = parse_text("Phát động phong trào thi đua năm 2026\n\nNăm 2026, xây dựng quê hương Yên Lạc giàu đẹp.\n"
                      "I. MỤC ĐÍCH\n1. Mục đích\nPhát huy truyền thống.")
    assert (plan.title, plan.year, plan.locality, plan.header.number) == (
        "Phát động phong trào thi đua năm 2026", 2026, "Yên Lạc", None)


def test_theme():
    plan = parse_text("Kế hoạch thi đua năm 2025\n\nXã ban hành kế hoạch với chủ đề: “Đoàn kết, đổi mới,\n"
                      "sáng tạo”, cụ thể như sau:\nI. MỤC ĐÍCH")
    assert plan.theme == "Đoàn kết, đổi mới, sáng tạo"


# --------------------------------------------------------------------------- references

@pytest.mark.parametrize("text, kind, number, date, issuer", [
    ("theo Chỉ thị số 26-CT/TU của Ban Thường vụ Tỉnh ủy (trong đó", "Chỉ thị", "26-CT/TU", None, "Ban Thường vụ Tỉnh ủy"),
    ("Chỉ thị số 19/CT-TTg ngày 16/7/2021 của Thủ tướng Chính phủ về việc", "Chỉ thị", "19/CT-TTg", "2021-07-16",
     "Thủ tướng Chính phủ"),
    ("Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ.", "Nghị định", "98/2023/NĐ-CP",
     "2023-12-31", "Chính phủ"),
    ("Thông tư số 22/2021/TT-BGDĐT ngày 20/7/2021 của Bộ Giáo dục và Đào tạo quy định", "Thông tư",
     "22/2021/TT-BGDĐT", "2021-07-20", "Bộ Giáo dục và Đào tạo"),
    ("Kế hoạch số 14-KH/TU ngày 05/01/2024 của Ban Thường vụ Thị ủy về", "Kế hoạch", "14-KH/TU", "2024-01-05",
     "Ban Thường vụ Thị ủy"),
    ("theo Quyết định 0) 263/QD-TTg ngày 22/02/2022", "Quyết định", "263/QĐ-TTg", "2022-02-22", None),   # legacy OCR
])
def test_references(text, kind, number, date, issuer):
    ref, = find_references([block(text)])
    assert (ref.kind, ref.number, ref.date, ref.issuer) == (kind, number, date, issuer)


def test_laws_same_reference_twice_and_the_document_itself():
    refs = find_references([block("Luật Thi đua, khen thưởng năm 2022 và Chỉ thị số 26-CT/TU; thực hiện Chỉ thị "
                                  "26-CT/TU của Ban Thường vụ Tỉnh ủy. Kế hoạch số 15/KH-UBND")],
                           own_number="15/KH-UBND")
    assert [(r.kind, r.number, r.title, r.issuer) for r in refs] == [
        ("Luật", None, "Luật Thi đua, khen thưởng năm 2022", None),
        ("Chỉ thị", "26-CT/TU", None, "Ban Thường vụ Tỉnh ủy")]


# --------------------------------------------------------------------------- assignments

def test_spacy_pipeline_is_blank_vietnamese_without_pyvi():
    nlp, matcher = pipeline()
    assert nlp.lang == "vi" and nlp.pipe_names == ["entity_ruler"]
    doc = nlp("Công an xã chủ trì, phối hợp với Hội Nông dân xã.")
    assert [t.text for t in doc][:5] == ["Công", "an", "xã", "chủ", "trì"]     # punctuation split off
    assert [(e.text, e.label_) for e in doc.ents] == [("Công an xã", "ORG"), ("Hội Nông dân xã", "ORG")]
    assert pipeline() is pipeline()                                              # built once


@pytest.mark.parametrize("text, assignee, responsibility", [
    ("Thường trực HĐTĐKT xã có trách nhiệm triển khai và thực hiện kế hoạch này.", "Thường trực HĐTĐKT xã",
     "triển khai và thực hiện kế hoạch này"),
    ("Đề nghị Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã vận động đoàn viên tham gia.",
     "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã", "vận động đoàn viên tham gia"),
    ("Công chức Địa chính - Xây dựng chủ trì, phối hợp với Trưởng các thôn hướng dẫn Nhân dân.",
     "Công chức Địa chính - Xây dựng", "chủ trì, phối hợp với Trưởng các thôn hướng dẫn Nhân dân"),
    ("Trưởng các thôn căn cứ Kế hoạch này xây dựng kế hoạch của thôn.", "Trưởng các thôn",
     "căn cứ Kế hoạch này xây dựng kế hoạch của thôn"),
    ("Giao Đoàn Thanh niên xã chủ trì ra quân làm đường giao thông.", "Đoàn Thanh niên xã",
     "chủ trì ra quân làm đường giao thông"),
    ("Ban Quản lý xây dựng nông thôn mới xã: Chủ trì triển khai Kế hoạch.", "Ban Quản lý xây dựng nông thôn mới xã",
     "Chủ trì triển khai Kế hoạch"),
    ("Thường trực HDTDKT X&, ¢6 trách nhiệm triển khai kế hoạch.", "Thường trực HDTDKT X&", "triển khai kế hoạch"),
])
def test_assignment_forms(text, assignee, responsibility):
    a = read_assignment(text, 1, year=2025)
    assert (a.assignee, a.responsibility) == (assignee, responsibility)


@pytest.mark.parametrize("text, deadline", [
    ("báo cáo kết quả trước ngày 15/12/2025.", "2025-12-15"),
    ("hoàn thành trước ngày 30 tháng 11 năm 2025", "2025-11-30"),
    ("báo cáo trong tháng 10/2026", "2026-10"),
    ("gửi về trước ngày 15/3", "2025-03-15"),          # the plan's year
    ("báo cáo định kỳ 6 tháng", None),
])
def test_deadlines(text, deadline):
    assert find_deadline(text, 2025) == deadline


def test_a_paragraph_that_names_nobody_is_not_an_assignment():
    assert read_assignment("Trên đây là Kế hoạch của Ủy ban nhân dân xã.", None, need_party=True) is None


# --------------------------------------------------------------------------- recipients, whole stage

def test_recipients_with_signature_run_into_them():
    plan = parse_text("KẾ HOẠCH\nThi đua năm 2025\nI. MỤC TIÊU\nx\nNơi nhận: TM. ỦY BAN NHÂN DÂN\n- UBND huyện;"
                      " CHỦ TỊCH\n- TT Đảng ủy,\nHĐND xã;\n- Lưu: VT.\nTrần Văn An")
    assert plan.recipients == ["UBND huyện", "TT Đảng ủy, HĐND xã", "Lưu: VT"]
    assert (plan.header.signer, plan.header.signer_title) == ("Trần Văn An", "CHỦ TỊCH")


def test_parse_plan_on_restored_text_keeps_every_line_number():
    from pipeline.restore import restore_text
    text = "Kế hoạch năm 2025\n\nI. CHỈ TIÊU\n1. Sản lượng lúa:\n500 tấn\nII. TỔ CHỨC THỰC HIỆN\n1. Công an xã chủ trì."
    plan = parse_plan(restore_text(RawText.from_string(text)), Source("p.txt", "0" * 64, "text", 1))
    assert [(t.value, t.line) for t in plan.targets] == [(500, 5)]
    assert [(a.assignee, a.line) for a in plan.assignments] == [("Công an xã", 7)]
    assert [(s.number, s.line) for s in plan.sections] == [("I", 3), ("II", 6)]


def test_document_type_and_title_on_one_line():
    plan = parse_text("UBND XÃ AN PHÚ\nSố: 12/KH-UBND\nAn Phú, ngày 02 tháng 3 năm 2025\n"
                      "KẾ HOẠCH Phát triển sản xuất nông nghiệp\nnăm 2025\nCăn cứ Luật Trồng trọt năm 2018;\n"
                      "I. MỤC TIÊU\nx")
    assert (plan.header.doc_type, plan.title, plan.header.number) == (
        "KẾ HOẠCH", "Phát triển sản xuất nông nghiệp năm 2025", "12/KH-UBND")


def test_what_is_not_language_is_read_as_ocr_wrote_it():
    """Restoration may rewrite a part letter, a number or a document number; the parser takes
    those as OCR read them, and the restored words for the rest."""
    from pipeline.model import RestoredLine, RestoredToken
    from pipeline.parse import as_parsed

    def line(original, pairs):
        tokens, pos, text = [], 0, ""
        for orig, new in pairs:
            start = original.index(orig, pos)
            text += original[pos:start] + new
            tokens.append(RestoredToken(text=new, original=orig, confidence=0.5, start=start, end=start + len(orig)))
            pos = start + len(orig)
        return RestoredLine(text=text + original[pos:], original=original, tokens=tokens)

    assert as_parsed(line("C- NHIEM VU", [("C", "CÁ"), ("NHIEM", "NHIỆM"), ("VU", "VỤ")])) == "C- NHIỆM VỤ"
    assert as_parsed(line("Tong so: 14 cong dan", [("Tong", "Tổng"), ("so", "số"), ("14", "là"), ("cong", "công"),
                                                   ("dan", "dân")])) == "Tổng số: 14 công dân"
    assert as_parsed(line("Huong dan 09-HD/DU", [("Huong", "Hướng"), ("dan", "dẫn"), ("09-HD/DU", "09-HĐ/BU")])) \
        == "Hướng dẫn 09-HD/DU"
    assert as_parsed(line("duy tri 6 muc 62%", [("duy", "duy"), ("tri", "trì"), ("6", "ở"), ("muc", "mức")])) \
        == "duy trì ở mức 62%"                       # one digit may be a letter that OCR misread
