"""What the parser knows better than restoration, through the real restoration and parser:
Roman heading numerals Tesseract misread ("HI.", "II." for III) are written back into the
restored text as the parser reads them, and document numbers the parser takes as the OCR
read them still get Đ for an eth."""
from __future__ import annotations

from pipeline import process
from pipeline.model import RawText, Source
from pipeline.parse import parse_plan
from pipeline.parse.numerals import write_back_numerals
from pipeline.restore import restore_text

PLAN = """ỦY BAN NHÂN DÂN XÃ HƯNG THỊNH
KẾ HOẠCH
Phát triển chăn nuôi năm 2026
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao thu nhập cho Nhân dân.
Il. CÁC CHỈ TIÊU CHỦ YẾU
1. Tổng đàn lợn đạt 7.400 con.
II. NHIỆM VỤ, GIẢI PHÁP
Tuyên truyền, vận động Nhân dân.
1V. TỔ CHỨC THỰC HIỆN
Các ban, ngành căn cứ kế hoạch này triển khai thực hiện."""


def test_misread_numerals_are_written_back_as_the_plan_reads_them():
    restored = restore_text(RawText.from_string(PLAN))
    plan = parse_plan(restored, Source(path="p.txt", sha256="0" * 64, kind="text", pages=1))
    assert [s.number for s in plan.sections] == ["I", "II", "III", "IV"]
    assert write_back_numerals(restored, plan) == 3
    lines = restored.text.split("\n")
    assert lines[5] == "II. CÁC CHỈ TIÊU CHỦ YẾU"
    assert lines[7] == "III. NHIỆM VỤ, GIẢI PHÁP"
    assert lines[9] == "IV. TỔ CHỨC THỰC HIỆN"
    token = restored.lines[7].tokens[0]
    assert (token.text, token.original) == ("III", "II")         # the OCR's reading is kept
    assert write_back_numerals(restored, plan) == 0              # and it is idempotent


def test_process_writes_the_repaired_numerals_to_the_txt(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text(PLAN, encoding="utf-8")
    process(src, outdir=tmp_path / "out", formats=("txt",))
    text = (tmp_path / "out" / "plan.txt").read_text(encoding="utf-8")
    assert "\nIII. NHIỆM VỤ, GIẢI PHÁP\n" in text and "\nIV. TỔ CHỨC" in text
    assert src.read_text(encoding="utf-8") == PLAN                # the input is untouched


def test_a_document_number_with_an_eth_is_read_with_d_in_the_plan():
    text = PLAN.replace("Căn cứ", "") + "\nCăn cứ Đề án số 348/ÐA-CP ngày 10/3/2025 của Chính phủ."
    restored = restore_text(RawText.from_string(text))
    plan = parse_plan(restored, Source(path="p.txt", sha256="0" * 64, kind="text", pages=1))
    assert "348/ĐA-CP" in restored.text
    assert [r.number for r in plan.references] == ["348/ĐA-CP"]
