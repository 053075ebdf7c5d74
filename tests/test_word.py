"""Word files in: automatic numbering resolved as Word shows it, styles, tables as tables (merged
cells, repeated header rows), the header and signature blocks laid out as tables; .doc through
LibreOffice, and a clear error when LibreOffice is missing. The Word files are made here
(tests/word_files.py)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from pipeline.api import ProcessOptions, process_document
from pipeline.errors import ConverterMissingError, CorruptDocumentError
from pipeline.export.json_plan import validation_errors
from pipeline.ingest import load_document
from pipeline.model import Plan
from tests.word_files import DOTTED, OUTLINE, SYMBOL_BULLET, WordPlan, ha_lam_plan


@pytest.fixture
def ha_lam(tmp_path):
    return ha_lam_plan(tmp_path / "ha-lam-2026.docx")


def lines_of(path) -> list[str]:
    return load_document(path).pages[0].text.split("\n")


def test_automatic_numbering_is_written_as_word_shows_it(tmp_path):
    w = WordPlan()
    w.para("MỤC TIÊU", num=(OUTLINE, 0))
    w.para("Mục tiêu chung", num=(OUTLINE, 1))
    w.para("Mục tiêu cụ thể", num=(OUTLINE, 1))
    w.para("Về kinh tế", num=(OUTLINE, 2))
    w.para("Tăng trưởng 8%", num=(OUTLINE, 3))
    w.para("Về xã hội", num=(OUTLINE, 2))
    w.para("NHIỆM VỤ", num=(OUTLINE, 0))
    w.para("Nông nghiệp", num=(OUTLINE, 1))          # "1." again: a deeper level restarts
    w.para("Trồng lúa", num=(OUTLINE, 4))
    w.para("Công nghiệp", num=(DOTTED, 0))
    w.para("Tiểu thủ công nghiệp", num=(DOTTED, 1))
    w.para("Làng nghề", num=(DOTTED, 1))
    again = w.restart(OUTLINE, 1)
    w.para("Dịch vụ", num=(again, 1))                 # Word's "Restart at 1" on a new list instance
    w.para("Rà soát thủ tục", num=(SYMBOL_BULLET, 0))
    w.para("Không đánh số")
    lines = lines_of(w.save(tmp_path / "numbered.docx"))
    assert lines == ["I. MỤC TIÊU", "1. Mục tiêu chung", "2. Mục tiêu cụ thể", "a) Về kinh tế",
                     "- Tăng trưởng 8%", "b) Về xã hội", "II. NHIỆM VỤ", "1. Nông nghiệp", "+ Trồng lúa",
                     "1. Công nghiệp", "1.1. Tiểu thủ công nghiệp", "1.2. Làng nghề", "1. Dịch vụ",
                     "• Rà soát thủ tục", "Không đánh số"]


def test_styles_reach_the_parser(tmp_path):
    w = WordPlan()
    w.para("Cải cách thủ tục hành chính", style="Heading 2")
    w.para("Nội dung in đậm", bold=True, center=True)
    w.para("Đoạn thường.")
    doc = load_document(w.save(tmp_path / "styles.docx"))
    styles = doc.pages[0].styles
    assert styles[1].outline == 2 and styles[1].name.lower() == "heading 2"
    assert styles[2].bold and styles[2].centred and styles[2].outline is None
    assert not styles[3].bold and not styles[3].numbered


def test_word_tables_keep_merged_cells_and_header_rows(ha_lam):
    doc = load_document(ha_lam)
    page = doc.pages[0]
    lines = page.text.split("\n")
    tasks = page.tables[-1]
    assert tasks.source == "word" and tasks.header_rows == 2
    assert [(c.text, c.rowspan, c.colspan) for c in tasks.rows[0]] == [
        ("TT", 2, 1), ("Nhiệm vụ", 2, 1), ("Sản phẩm", 2, 1), ("Thời gian hoàn thành", 2, 1),
        ("Trách nhiệm thực hiện", 1, 2)]
    assert [(c.text, c.colspan) for c in tasks.rows[2]] == [("I", 1), ("CẢI CÁCH THỂ CHẾ", 5)]
    lead = tasks.rows[4][4]
    assert (lead.text, lead.rowspan) == ("Sở Nội vụ", 2)
    assert len(tasks.rows[5]) == 5                            # the merged place holds no cell
    assert tasks.rows[3][5].text == "Các sở, ban, ngành;\nUBND các xã, phường"   # its own line breaks
    # the text carries every row, a merged cell's text where it reaches
    first = tasks.line - 1
    assert lines[first + 5] == ("3 | Xác định Chỉ số cải cách hành chính của các sở, ban, ngành | Quyết định công bố "
                                "Chỉ số | Tháng 12/2026 | Sở Nội vụ | Sở Văn hóa, Thể thao và Du lịch, Sở Khoa học "
                                "và Công nghệ")
    assert tasks.grid()[5][4] == "Sở Nội vụ"


def test_header_and_signature_tables_fill_the_header(ha_lam):
    plan = process_document(ha_lam, ProcessOptions(outdir=None)).plan
    h = plan.header
    assert (h.issuer, h.number, h.place, h.date, h.doc_type) == (
        "ỦY BAN NHÂN DÂN TỈNH HÀ LAM", "25/KH-UBND", "Hà Lam", "2026-01-15", "KẾ HOẠCH")
    assert (h.signer, h.signer_title) == ("Trần Văn Bình", "PHÓ CHỦ TỊCH")
    assert plan.recipients == ["Bộ Nội vụ", "Thường trực Tỉnh ủy", "Lưu: VT, NC"]
    assert plan.title == "Cải cách hành chính tỉnh Hà Lam năm 2026"
    assert plan.source.kind == "word"
    # the layout tables are the header; the Phụ lục is the plan's one table of data
    assert len(plan.tables) == 1 and plan.tables[0].kind == "tasks"
    assert plan.tables[0].title.startswith("PHỤ LỤC DANH MỤC NHIỆM VỤ")


def test_the_same_blocks_as_text_rows_fill_the_header_too():
    """Text taken from a Word file: each table row one line, cells joined by " | ", a cell's
    own line breaks lost; the signer shares the row of "Nơi nhận"."""
    from pipeline.parse import parse_text
    text = "\n".join([
        "ỦY BAN NHÂN DÂN TỈNH HÀ LAM | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "Số: 25/KH-UBND | Hà Lam, ngày 15 tháng 01 năm 2026", "", "KẾ HOẠCH",
        "Cải cách hành chính tỉnh Hà Lam năm 2026", "I. MỤC ĐÍCH", "Nâng cao chất lượng phục vụ.",
        "Nơi nhận: - Bộ Nội vụ; - Thường trực Tỉnh ủy; - Lưu: VT, NC. | TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH "
        "PHÓ CHỦ TỊCH Trần Văn Bình"])
    plan = parse_text(text)
    assert (plan.header.issuer, plan.header.number, plan.header.date) == (
        "ỦY BAN NHÂN DÂN TỈNH HÀ LAM", "25/KH-UBND", "2026-01-15")
    assert (plan.header.signer, plan.header.signer_title) == ("Trần Văn Bình", "PHÓ CHỦ TỊCH")
    assert plan.recipients == ["Bộ Nội vụ", "Thường trực Tỉnh ủy", "Lưu: VT, NC"]
    assert plan.tables == []


def test_text_rows_make_a_table_with_named_columns():
    from pipeline.parse import parse_text
    text = "\n".join([
        "I. NHIỆM VỤ", "Các nhiệm vụ cụ thể như sau:",
        "STT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn",
        "(1) | (2) | (3) | (4) | (5)",
        "1 | Rà soát thủ tục hành chính | Văn phòng UBND tỉnh | Các sở, ngành | Quý II/2026",
        "2 | Số hóa hồ sơ | Sở Khoa học và Công nghệ |  | Tháng 6/2026",
        "II. TỔ CHỨC THỰC HIỆN", "Sở Nội vụ theo dõi, đôn đốc."])
    plan = parse_text(text)
    [table] = plan.tables
    assert table.source == "text" and table.line == 3 and table.header_rows == 2
    assert table.columns == ["number", "task", "lead", "partners", "deadline"]
    assert table.kind == "tasks"
    assert table.grid()[3] == ["2", "Số hóa hồ sơ", "Sở Khoa học và Công nghệ", "", "Tháng 6/2026"]
    # the rows are the table's, not paragraphs of the section
    assert "Rà soát" not in plan.sections[0].text


def test_a_stray_bar_in_old_ocr_is_not_a_table():
    from pipeline.parse import parse_text
    plan = parse_text("I. MỤC TIÊU\nTỷ lệ hộ nghèo | giảm còn 2%.\nPhấn đấu 100% thôn có nhà văn hóa.")
    assert plan.tables == []


def test_plan_with_tables_validates_and_reads_back(ha_lam):
    plan = process_document(ha_lam, ProcessOptions(outdir=None)).plan
    data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    assert validation_errors(data) == []
    again = Plan.from_dict(data)
    assert again.tables[0].grid() == plan.tables[0].grid()
    assert again.tables[0].rows[4][4].rowspan == 2


def test_broken_word_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip archive at all" * 10)
    with pytest.raises(CorruptDocumentError) as e:
        load_document(bad)
    assert "[E112]" in str(e.value) and "hong.docx" in str(e.value)
    ole = tmp_path / "cu.docx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(CorruptDocumentError, match="old binary Word file"):
        load_document(ole)


def test_doc_without_libreoffice_fails_alone_with_the_fix(tmp_path, ha_lam):
    """A .doc in a batch when LibreOffice is missing: that file fails (exit 4) with the fix;
    the other inputs are written."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    shutil.copy(ha_lam, folder / "moi.docx")
    env = dict(os.environ, SOHOA_SOFFICE=str(tmp_path / "no-libreoffice-here"))
    r = subprocess.run([sys.executable, "-m", "pipeline.cli", "process", str(folder), "-o", str(tmp_path / "out"),
                        "--formats", "json", "--jobs", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 4, r.stderr
    assert "[E113]" in r.stderr and "cu.doc" in r.stderr and "libreoffice-writer-nogui" in r.stderr
    assert (tmp_path / "out" / "moi.json").exists()
    with pytest.raises(ConverterMissingError):
        os.environ["SOHOA_SOFFICE"] = env["SOHOA_SOFFICE"]
        try:
            load_document(folder / "cu.doc")
        finally:
            del os.environ["SOHOA_SOFFICE"]


@pytest.mark.slow
def test_doc_is_read_through_libreoffice(tmp_path, ha_lam):
    """The same plan saved as .doc by LibreOffice, read back through LibreOffice: the same
    numbered text, tables and header."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is part of the test set-up: run `make test`"
    profile = tmp_path / "profile"
    r = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "doc",
                        "--outdir", str(tmp_path / "doc"), str(ha_lam)], capture_output=True, timeout=300)
    doc = tmp_path / "doc" / "ha-lam-2026.doc"
    assert doc.exists(), r.stderr
    before = doc.read_bytes()
    plan = process_document(doc, ProcessOptions(outdir=None)).plan
    assert doc.read_bytes() == before                          # the input is never touched
    assert (plan.header.number, plan.header.signer) == ("25/KH-UBND", "Trần Văn Bình")
    assert [s.number for s in plan.sections] == ["I", "II", "III"]
    assert plan.tables[0].grid() == process_document(ha_lam, ProcessOptions(outdir=None)).plan.tables[0].grid()


def test_tables_are_written_back_as_tables(ha_lam, tmp_path):
    """The DOCX sohoa writes: the Phụ lục as a Word table with its merged cells and repeated
    header rows, after the closing block; the targets spread over the plan stay in place."""
    import docx
    from docx.oxml.ns import qn

    process_document(ha_lam, ProcessOptions(outdir=tmp_path / "out", formats=("docx",)))
    out = docx.Document(str(tmp_path / "out" / "ha-lam-2026.docx"))
    body = [el for el in out.element.body if el.tag in (qn("w:p"), qn("w:tbl"))]
    tables = [docx.table.Table(el, out) for el in body if el.tag == qn("w:tbl")]
    closing = next(t for t in tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    annex = next(t for t in tables if t.rows[0].cells[0].text == "TT")
    assert body.index(closing._tbl) < body.index(annex._tbl)
    assert [p.text for p in closing.rows[0].cells[1].paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình"]
    assert [c.text for c in annex.rows[1].cells] == [
        "TT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
               for row in annex.rows[:2])
    group = annex.rows[2].cells
    assert group[1]._tc is group[5]._tc and group[1].text == "CẢI CÁCH THỂ CHẾ"      # spans five columns
    assert annex.cell(4, 4)._tc is annex.cell(5, 4)._tc and annex.cell(4, 4).text == "Sở Nội vụ"
    assert [p.text for p in annex.cell(3, 5).paragraphs] == ["Các sở, ban, ngành;", "UBND các xã, phường"]
    texts = [p.text for p in out.paragraphs]
    assert any("98%" in t for t in texts)              # targets of an area stay in their section
