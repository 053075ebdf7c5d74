"""The header and signature blocks (issue 12): the field readers, the reading by layout on word
boxes for every Decree 30 document type, handwriting and damage, and rendered documents read by
the real Tesseract. Every document here is invented (tests/headerpages.py)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pipeline.model import Source
from pipeline.parse import parse_plan, parse_text
from pipeline.parse.header_fields import (document_spelling, fix_caps, person_name, read_date, read_number,
                                          split_glued, strip_vv)
from pipeline.parse.lexicon import lexicon
from tests.headerpages import HeaderDoc, exact_reading, save_document

SOURCE = Source("doc.tif", "0" * 64, "image", 2)


# --------------------------------------------------------------------------- the field readers

@pytest.mark.parametrize("text, number, code, notation, unsure", [
    ("Số: 1906 /SGDĐT-VP", "1906/SGDĐT-VP", "1906", "SGDĐT-VP", False),
    ("Số: 98/2023/NĐ-CP", "98/2023/NĐ-CP", "98", "2023/NĐ-CP", False),
    ("Số 42-KH/ĐU", "42-KH/ĐU", "42", "KH/ĐU", False),
    ("Số: 15/KH-UBND", "15/KH-UBND", "15", "KH-UBND", False),
    ("Số: 7/QD-UBND", "7/QĐ-UBND", "7", "QĐ-UBND", False),          # the Đ OCR dropped, put back
    # a handwritten number OCR could not read: the printed part is kept, the number is unsure
    ("S& 5?AD /UBND-VP", "/UBND-VP", None, "UBND-VP", True),
    ("Số: 46† /TTg-KGVX", "/TTg-KGVX", None, "TTg-KGVX", True),
    ("Số:      /KH-UBND", "/KH-UBND", None, "KH-UBND", True),         # left blank (or faded)
    ("Số: 2O7/TB-UBND", "207/TB-UBND", "207", "TB-UBND", True),       # a hand's O read as a letter
])
def test_numbers(text, number, code, notation, unsure):
    r = read_number(text)
    assert (r.number, r.code_number, r.code_notation, r.unsure) == (number, code, notation, unsure)


def test_a_number_tesseract_doubted_is_unsure():
    assert read_number("Số: 239/TTr-CA", confidences=[93.0, 31.0]).unsure
    assert not read_number("Số: 239/TTr-CA", confidences=[93.0, 88.0]).unsure


def test_not_a_number():
    assert read_number("Sở Giáo dục và Đào tạo") is None
    assert read_number("Số lượng: 15 người") is None


@pytest.mark.parametrize("text, date, unsure", [
    ("Tân Phong, ngày 26 tháng 7 năm 2020", "2020-07-26", False),
    ("Tân Phong, ngày 26tháng 7 năm 2020", "2020-07-26", False),        # glued by OCR
    ("Hà Nội, ngày30 tháng 4 năm 2026", "2026-04-30", False),
    ("Tân Phong, ngày ,g tháng 10 năm 2023", "2023-10", True),          # the day illegible
    ("Tân Phong, ngày — tháng. năm 2026", "2026", True),               # day and month blank
    ("Tân Phong, ngày 1O tháng 5 năm 2019", "2019-05-10", True),       # a hand's 0 read as O
])
def test_dates_at_the_precision_that_is_legible(text, date, unsure):
    r = read_date(text)
    assert (r.date, r.unsure) == (date, unsure)


def test_a_day_tesseract_doubted_is_unsure():
    text = "Tân Phong, ngày 18 tháng 10 năm 2024"
    assert read_date(text, confidences=[95, 95, 95, 41, 95, 95, 95, 95]).unsure
    assert not read_date(text, confidences=[95] * 8).unsure


@pytest.mark.parametrize("text, loose, summary", [
    ("V/v tăng cường phòng, chống dịch", False, "tăng cường phòng, chống dịch"),
    ("V/v: báo cáo kết quả", False, "báo cáo kết quả"),
    ("Vị khẩn trương triển khai", True, "khẩn trương triển khai"),       # OCR's V/v under a number
    ("VW triển khai các nội dung", True, "triển khai các nội dung"),
    ("Vị khẩn trương triển khai", False, None),                         # elsewhere, a word
    ("Về việc thành lập", False, None),
])
def test_vv(text, loose, summary):
    assert strip_vv(text, loose=loose) == summary


@pytest.mark.parametrize("text, fixed", [
    ("UBND THÀNH PHÓ TÂN AN", "UBND THÀNH PHỐ TÂN AN"),
    ("PHÓ GIÁM ĐÓC", "PHÓ GIÁM ĐỐC"),
    ("KT. GIÁM ĐÓC", "KT. GIÁM ĐỐC"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TAO", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
    ("CỘNG HOÀ XÃ HỌI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    # names are left as read: after an administrative unit, and where a phrase is a name too
    ("ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH", "ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH"),
    ("UBND XÃ CÔNG AN", "UBND XÃ CÔNG AN"),
    ("Thành phó", "Thành phó"),                                        # not capitals: not touched
])
def test_capitals_respelled_from_the_header_vocabulary(text, fixed):
    assert fix_caps(text) == fixed


def test_glued_capitals_split_into_syllables():
    assert split_glued("CÔNG ANTỈNHBÌNHPHÚ") == "CÔNG AN TỈNH BÌNH PHÚ"
    assert split_glued("SGDĐT-VP UBND HĐND TTHCCÔNG") == "SGDĐT-VP UBND HĐND TTHCCÔNG"   # acronyms kept


def test_signer_without_rank():
    assert person_name("Đại tá Nguyễn Văn Hùng") == "Nguyễn Văn Hùng"
    assert person_name("PGS.TS. Lê Thị Mai") == "Lê Thị Mai"
    assert person_name("ThS. Hoàng Anh") == "Hoàng Anh"
    assert person_name("(Đã ký)") is None


def test_a_place_spelled_as_the_document_spells_it():
    body = "Ủy ban nhân dân xã Tân Phong ... các thôn của xã Tân Phong ... nhân dân Tân Phong"
    assert document_spelling("Tân Phòng", body) == "Tân Phong"      # a mark slipped in the italic line
    assert document_spelling("Tân Phông", body) == "Tân Phong"
    assert document_spelling("Hà Nội", body) is None                # nothing like it: kept as read
    assert document_spelling("Tân Phong", "xã Tân Phong") is None   # once is no evidence


# --------------------------------------------------------------------------- every type, by layout

def _doc(**kw) -> HeaderDoc:
    base = dict(issuer="ỦY BAN NHÂN DÂN XÃ TÂN PHONG", issuer_parent="UBND HUYỆN ĐỒNG XUÂN", number="127/UBND-VP",
                place="Tân Phong", date=(8, 1, 2024), summary="Về việc thành lập Tổ công tác rà soát hộ nghèo năm 2024",
                signer="Trần Minh Khoa", signer_title="PHÓ CHỦ TỊCH", authority=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"])
    base.update(kw)
    return HeaderDoc(**base)


def _fields(h) -> dict:
    return {k: getattr(h, k) for k in ("doc_type", "number", "code_number", "code_notation", "date", "place", "issuer",
                                        "issuer_parent", "summary", "signer", "signer_title", "authority")}


def _expected(doc: HeaderDoc) -> dict:
    code, notation = doc.number.split("/", 1) if "/" in doc.number.split("-")[0] or not doc.party else \
        doc.number.split("-", 1)
    d, m, y = doc.date
    return {"doc_type": doc.doc_type or "CÔNG VĂN", "number": doc.number, "code_number": code, "code_notation": notation,
            "date": f"{y:04d}-{m:02d}-{d:02d}", "place": doc.place, "issuer": doc.issuer,
            "issuer_parent": doc.issuer_parent, "summary": doc.summary, "signer": doc.signer,
            "signer_title": doc.signer_title, "authority": " ".join(doc.authority) or None}


ND30_TYPES = [name for name in lexicon().doc_type_names if name not in ("LUẬT", "PHÁP LỆNH", "HIẾN PHÁP", "CÔNG VĂN")]


@pytest.mark.parametrize("doc_type", ND30_TYPES + [None])
def test_every_document_type_by_layout(doc_type):
    """Each kind of Decree 30 (a công văn by its V/v), its header columns merged on one baseline
    as Tesseract reads them, and the signature opposite Nơi nhận: every field, from exact boxes."""
    doc = _doc(doc_type=doc_type, number=f"127/{'CV' if doc_type is None else 'XX'}-UBND")
    plan = parse_plan(exact_reading(doc), SOURCE)
    assert _fields(plan.header) == _expected(doc)
    assert plan.header.unsure == []
    assert plan.recipients == ["Như trên", "Lưu: VT"]


def test_party_document_and_an_issuer_on_three_lines():
    doc = _doc(party=True, issuer_parent="ĐẢNG BỘ HUYỆN ĐỒNG XUÂN", issuer="ĐẢNG ỦY XÃ TÂN PHONG",
               number="42-KH/ĐU", doc_type="KẾ HOẠCH", authority=["T/M ĐẢNG ỦY"], signer_title="BÍ THƯ",
               summary="Tổ chức các hoạt động kỷ niệm ngày thành lập Đảng")
    plan = parse_plan(exact_reading(doc), SOURCE)
    want = _expected(doc)
    want["authority"] = "TM. ĐẢNG ỦY"
    assert _fields(plan.header) == want
    doc = _doc(issuer_parent=None, issuer="BAN CHỈ ĐẠO PHÁT TRIỂN KINH TẾ TẬP THỂ, HỢP TÁC XÃ HUYỆN ĐỒNG XUÂN",
               doc_type="BÁO CÁO")
    h = parse_plan(exact_reading(doc), SOURCE).header
    assert (h.issuer, h.issuer_parent, h.doc_type) == (doc.issuer, None, "BÁO CÁO")


def test_a_faded_number_keeps_its_printed_part_and_is_unsure():
    """Blue ink fades to paper in ingest (stamps, signatures); a number written in it leaves
    only its printed part."""
    plan = parse_plan(exact_reading(_doc(hand="faded")), SOURCE)
    h = plan.header
    assert (h.number, h.code_number, h.code_notation) == ("/UBND-VP", None, "UBND-VP")
    assert h.unsure == ["number", "code_number"]


def test_signer_rank_is_not_the_name():
    h = parse_plan(exact_reading(_doc(rank="Đại tá", authority=["KT. GIÁM ĐỐC"], signer_title="PHÓ GIÁM ĐỐC",
                                      issuer="CÔNG AN TỈNH BÌNH PHÚ", issuer_parent=None)), SOURCE).header
    assert (h.signer, h.signer_title, h.authority) == ("Trần Minh Khoa", "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC")


def _boxed(rows: list[tuple[int, list[tuple[str, int, int]]]], width: int = 1400):
    """A page of words placed by hand: rows of (y, [(word, x0, x1)])."""
    from pipeline.model import Box, PageInfo, RestoredLine, RestoredText
    lines = [RestoredLine(text=" ".join(w for w, _, _ in words), original=" ".join(w for w, _, _ in words), page=1,
                          boxes=[Box(x0, y, x1, y + 30) for _, x0, x1 in words]) for y, words in rows]
    return RestoredText(lines=lines, condition="vietnamese", pages=[PageInfo(1, "ocr", width, 1800, 200)])


def _spread(text: str, x0: int, x1: int) -> list[tuple[str, int, int]]:
    """The words of `text` laid over x0..x1 with 8 px spaces, widths by length."""
    words = text.split()
    unit = (x1 - x0 - 8 * (len(words) - 1)) / sum(len(w) for w in words)
    out, x = [], x0
    for w in words:
        out.append((w, int(x), int(x + unit * len(w))))
        x += unit * len(w) + 8
    return out


def test_columns_that_touch_are_cut_at_the_motto():
    """OCR runs the issuer into the motto with no more space than between words ("... TÂN AN
    CỘNG HÒA ..."): the motto, found by its words, is where the right column starts."""
    body = "Thực hiện kế hoạch tiêm chủng của Sở Y tế, Trung tâm Y tế đề nghị các trạm triển khai ngay."
    rows = [(100, _spread("UBND THÀNH PHỐ TÂN AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 120, 1300)),
            (150, _spread("TRUNG TÂM Y TẾ", 200, 420) + _spread("Độc lập - Tự do - Hạnh phúc", 760, 1180)),
            (200, _spread("Số: 12/TTYT-KHNV", 180, 420) + _spread("Tân An, ngày 05 tháng 3 năm 2025", 700, 1200)),
            (250, _spread("V/v tiêm chủng mở rộng", 160, 450)),
            (350, _spread("Kính gửi: Trạm Y tế các xã, phường.", 450, 950))] + \
        [(420 + 50 * k, _spread(body, 120, 1300)) for k in range(4)]
    h = parse_plan(_boxed(rows), SOURCE).header
    assert (h.issuer_parent, h.issuer, h.number, h.place, h.date, h.doc_type, h.summary) == (
        "UBND THÀNH PHỐ TÂN AN", "TRUNG TÂM Y TẾ", "12/TTYT-KHNV", "Tân An", "2025-03-05", "CÔNG VĂN",
        "tiêm chủng mở rộng")


# --------------------------------------------------------------------------- text inputs

def test_a_cong_van_as_text():
    text = ("UBND HUYỆN ĐỒNG XUÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG NÔNG NGHIỆP Độc lập - Tự do - Hạnh phúc\n"
            "Số: 85/PNN-TT Đồng Xuân, ngày 12 tháng 3 năm 2025\nV/v hướng dẫn gieo cấy vụ Xuân\nnăm 2025\n\n"
            "Kính gửi: Ủy ban nhân dân các xã.\n\nThực hiện Kế hoạch số 11/KH-UBND ngày 02/01/2025 của Ủy ban nhân dân "
            "huyện, Phòng hướng dẫn như sau:\n1. Thời vụ gieo cấy.")
    h = parse_text(text).header
    assert (h.doc_type, h.summary, h.number, h.code_number, h.code_notation, h.date, h.place) == (
        "CÔNG VĂN", "hướng dẫn gieo cấy vụ Xuân năm 2025", "85/PNN-TT", "85", "PNN-TT", "2025-03-12", "Đồng Xuân")
    assert (h.issuer, h.issuer_parent) == ("PHÒNG NÔNG NGHIỆP", "UBND HUYỆN ĐỒNG XUÂN")


def test_an_illegible_day_is_not_taken_from_the_body():
    text = ("UBND XÃ TÂN PHONG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/TB-UBND Tân Phong, ngày ,, tháng 5 năm 2019\n"
            "THÔNG BÁO\nLịch tiếp công dân tháng 5 năm 2019\nNgày 15 tháng 5 năm 2019, Chủ tịch tiếp công dân.")
    h = parse_text(text).header
    assert (h.date, h.doc_type, h.summary) == ("2019-05", "THÔNG BÁO", "Lịch tiếp công dân tháng 5 năm 2019")
    assert "date" in h.unsure


# --------------------------------------------------------------------------- real Tesseract

SCANNED = [
    _doc(hand="dark", authority=["KT. CHỦ TỊCH"], number="127/UBND-VP", doc_type=None,
         summary="tăng cường phòng, chống dịch bệnh trên đàn gia súc, gia cầm"),
    _doc(doc_type="QUYẾT ĐỊNH", number="35/QĐ-UBND", issuer_parent=None, authority=["TM. ỦY BAN NHÂN DÂN"],
         signer_title="CHỦ TỊCH", summary="Về việc thành lập Tổ công tác rà soát hộ nghèo"),
    _doc(doc_type="TỜ TRÌNH", hand="faded", number="239/TTr-CAT", issuer="CÔNG AN TỈNH BÌNH PHÚ", issuer_parent=None,
         place="Bình Phú", authority=["KT. GIÁM ĐỐC"], signer_title="PHÓ GIÁM ĐỐC", rank="Đại tá",
         summary="Đề nghị phê duyệt kế hoạch tuần tra mùa lễ hội năm 2025", date=(2, 4, 2025)),
]


@pytest.mark.slow
def test_rendered_documents_through_tesseract_and_the_metadata_sheet(tmp_path):
    """Two-page scans: the header columns on shared baselines (Tesseract merges them), a number
    written by hand (legible) or in a faded ink (illegible), KT./TM. signatures opposite Nơi
    nhận. Every field through OCR, restoration and the parser, in one batch run (two workers),
    and each document's row of OUTDIR/metadata.csv."""
    import csv

    from pipeline.api import ProcessOptions
    from pipeline.batch import run_batch
    src = tmp_path / "scans"
    src.mkdir()
    for k, doc in enumerate(SCANNED):
        save_document(doc, src / f"doc{k}.tif")
    out = tmp_path / "out"
    code = run_batch([src], ProcessOptions(outdir=out, formats=("json",), jobs=2), stream=io.StringIO())
    assert code == 0
    with open(out / "metadata.csv", encoding="utf-8-sig", newline="") as f:
        sheet = {Path(r["Tên tệp"]).stem: r for r in csv.DictReader(f)}
    for k, doc in enumerate(SCANNED):
        h = json.loads((out / f"doc{k}.json").read_text(encoding="utf-8"))["header"]
        want = _expected(doc)
        if doc.hand == "faded":
            want.update(number="/" + want["code_notation"], code_number=None)
            assert {"number", "code_number"} <= set(h["unsure"])
        assert {f: h[f] for f in want} == want, k
        row = sheet[f"doc{k}"]
        d, m, y = doc.date
        assert (row["Tên loại văn bản"], row["Số của văn bản"], row["Ký hiệu của văn bản"],
                row["Ngày, tháng, năm văn bản"], row["Tên cơ quan, tổ chức ban hành văn bản"],
                row["Trích yếu nội dung"], row["Số lượng trang"], row["Người ký"], row["Chức vụ người ký"]) == (
            want["doc_type"][:1] + want["doc_type"][1:].lower(), want["code_number"] or "", want["code_notation"],
            f"{d:02d}/{m:02d}/{y}", doc.issuer, doc.summary, "2", doc.signer, doc.signer_title)
        assert row["Bút tích"] == ("Có" if doc.hand == "faded" else ""), (k, h["unsure"])
        if doc.hand == "faded":
            assert row["Ghi chú"].startswith("Cần kiểm tra: số")


def test_a_cong_van_in_the_docx_has_its_summary_under_its_number(tmp_path):
    """Decree 30 prints no type word for a công văn: "V/v ..." stands under the number, and the
    body does not repeat it."""
    from docx import Document

    from pipeline.export.docx import write_docx
    from pipeline.model import RawText
    from pipeline.restore import restore_text
    text = ("UBND HUYỆN ĐỒNG XUÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG NÔNG NGHIỆP Độc lập - Tự do - Hạnh phúc\n"
            "Số: 85/PNN-TT Đồng Xuân, ngày ,, tháng 3 năm 2025\nV/v hướng dẫn gieo cấy vụ Xuân\n\n"
            "Kính gửi: Ủy ban nhân dân các xã.\n\nPhòng Nông nghiệp hướng dẫn các xã gieo cấy đúng lịch./.")
    restored = restore_text(RawText.from_string(text))
    plan = parse_plan(restored, Source("cv.txt", "0" * 64, "text", 1))
    dest = tmp_path / "cv.docx"
    write_docx(plan, restored, dest)
    doc = Document(str(dest))
    left = [p.text for p in doc.tables[0].rows[1].cells[0].paragraphs]
    right = [p.text for p in doc.tables[0].rows[1].cells[1].paragraphs]
    assert left == ["Số: 85/PNN-TT", "V/v hướng dẫn gieo cấy vụ Xuân"]
    assert right == ["Đồng Xuân, ngày … tháng 3 năm 2025"]
    body = [p.text for p in doc.paragraphs]
    assert "CÔNG VĂN" not in body and not any("V/v" in t for t in body)
    assert any(t.startswith("Kính gửi") for t in body)


def test_a_signature_whose_titles_were_lost_under_the_seal():
    """OCR lost the title lines (a seal over them): the name below is still the signer, and both
    the name and the missing title are to be checked."""
    plan = parse_plan(exact_reading(_doc(authority=[], signer_title="")), SOURCE)
    h = plan.header
    assert (h.signer, h.signer_title, h.authority) == ("Trần Minh Khoa", None, None)
    assert h.unsure == ["signer", "signer_title"]
    assert plan.recipients == ["Như trên", "Lưu: VT"]
