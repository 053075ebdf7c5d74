"""Which restored lines the header block and the closing block print (pipeline/export/docx_layout.py)."""
from __future__ import annotations

from dataclasses import replace

from pipeline.export.docx_layout import analyse_layout, clean_recipient, fold
from pipeline.model import Header, Plan, RestoredText, Source
from tests.docx_samples import line_of, restored_from, tan_phong

SOURCE = Source(path="x.txt", sha256="0" * 64, kind="text", pages=1)


def test_fold_drops_diacritics_case_and_punctuation():
    assert fold("ỦY BAN NHÂN DÂN XÃ Đông Khê,") == "uy ban nhan dan xa dong khe"
    assert fold("Số: 27/KH-UBND") == "so 27 kh ubnd"
    assert fold(None) == "" and fold("———") == ""


def test_full_plan_front_body_and_closing():
    plan, restored = tan_phong()
    layout = analyse_layout(plan, restored)
    assert layout.header_block
    # Header lines (two columns run together), document type and the two title lines.
    assert layout.front == list(range(1, line_of(restored, "và bảo đảm") + 1))
    assert layout.front_extra == [] and layout.closing_extra == []
    assert restored.lines[layout.body.start - 1].text == ""           # the blank after the title
    assert layout.body.start < line_of(restored, "Căn cứ") and line_of(restored, "ban nhân dân xã Tân") in layout.body
    assert line_of(restored, "Nơi nhận") not in layout.body
    assert layout.recipients == plan.recipients
    assert layout.signature.authority == ["TM. ỦY BAN NHÂN DÂN"]
    assert layout.signature.titles == ["CHỦ TỊCH"] and layout.signature.name == "Lê Thị Minh Hằng"


def test_closing_is_read_from_the_text_when_the_plan_lacks_it():
    plan, restored = tan_phong()
    plan.recipients = []
    plan.header = replace(plan.header, signer=None, signer_title=None)
    layout = analyse_layout(plan, restored)
    assert layout.recipients == ["UBND huyện Sơn Minh", "TT Đảng ủy, HĐND xã", "Các ban, ngành, đoàn thể xã",
                                 "Trưởng các thôn", "Lưu: VT"]
    assert layout.signature.authority == ["TM. ỦY BAN NHÂN DÂN"]
    assert layout.signature.titles == ["CHỦ TỊCH"] and layout.signature.name == "Lê Thị Minh Hằng"


def test_signature_before_recipients_and_no_end_mark():
    text = ("KẾ HOẠCH\nTrồng cây năm 2025\nI. MỤC ĐÍCH\nTrồng mới 5.000 cây phân tán trên địa bàn xã.\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nHoàng Văn Bình\nNơi nhận:\n- Như trên;\n"
            "- Chủ tịch, các Phó Chủ tịch UBND xã;\n- Lưu: VT.")
    restored = restored_from(text)
    plan = Plan(source=SOURCE, title="Trồng cây năm 2025",
                header=Header(doc_type="KẾ HOẠCH", signer="Hoàng Văn Bình", signer_title="PHÓ CHỦ TỊCH"))
    layout = analyse_layout(plan, restored)
    assert not layout.header_block and layout.front == [1, 2]
    assert list(layout.body) == [3, 4]
    assert layout.signature.authority == ["KT. CHỦ TỊCH"] and layout.signature.titles == ["PHÓ CHỦ TỊCH"]
    # "Chủ tịch" in a recipient is not the signer title "CHỦ TỊCH".
    assert layout.recipients == ["Như trên", "Chủ tịch, các Phó Chủ tịch UBND xã", "Lưu: VT"]
    assert layout.closing_extra == []


def test_unknown_lines_in_the_header_stay_as_text():
    text = ("ĐẢNG BỘ XÃ AN LẠC\nUBND XÃ AN LẠC\nSố: 3/KH-UBND\nKẾ HOẠCH\nPhòng, chống thiên tai năm 2025\n"
            "Thực hiện chỉ đạo của huyện, Ủy ban nhân dân xã ban hành kế hoạch như sau:")
    plan = Plan(source=SOURCE, title="Phòng, chống thiên tai năm 2025",
                header=Header(issuer="UBND XÃ AN LẠC", number="3/KH-UBND", doc_type="KẾ HOẠCH"))
    layout = analyse_layout(plan, restored_from(text))
    assert layout.front == [2, 3, 4, 5] and layout.front_extra == [1]
    assert list(layout.body) == [6]


def test_a_plan_without_header_or_title_keeps_every_line_in_the_body():
    restored = restored_from("Nam 2024, nam nuoc rat co y nghia.\nI. MUC DICH\nNoi nhan:\n- Luu: VT.")
    layout = analyse_layout(Plan(source=SOURCE), restored)
    assert not layout.header_block and layout.front == []
    assert list(layout.body) == [1, 2]
    assert layout.recipients == ["Luu: VT"]          # read from the text: unaccented "Noi nhan" too
    assert not layout.signature


def test_empty_text():
    layout = analyse_layout(Plan(source=SOURCE), RestoredText(lines=[]))
    assert list(layout.body) == [] and layout.recipients == [] and not layout.signature


def test_clean_recipient():
    assert clean_recipient("- UBND huyện;") == "UBND huyện"
    assert clean_recipient("+ Lưu: VT.") == "Lưu: VT"
    assert clean_recipient("Như trên,") == "Như trên"
