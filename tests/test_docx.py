"""The DOCX export, written and read back with python-docx: page, styles, header block, title,
headings, joined paragraphs, targets and assignments tables, closing block, review comments;
sparse plans; and the real pipeline on the samples."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Length

from pipeline.api import ProcessOptions, process_document
from pipeline.errors import OutputError
from pipeline.export.docx import write_docx
from pipeline.export.docx_layout import fold
from pipeline.model import (Assignment, Header, Plan, Quality, RestoredLine, RestoredText, Section, Source,
                            Target)
from tests.conftest import LEGACY_SAMPLE, ROOT, SCAN_SAMPLE
from tests.docx_samples import count_targets, quality_for, restored_from, tan_phong

SOURCE = Source(path="x.txt", sha256="0" * 64, kind="text", pages=1)
ROMAN_HEADINGS = ["I. MỤC ĐÍCH, YÊU CẦU", "II. CÁC CHỈ TIÊU CHỦ YẾU", "III. NHIỆM VỤ, GIẢI PHÁP",
                  "IV. TỔ CHỨC THỰC HIỆN"]


def mm(length: Length) -> float:
    return length / 36000


def body_items(doc):
    """Paragraphs and tables in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, doc)
        elif child.tag == qn("w:tbl"):
            yield Table(child, doc)


def all_text(doc) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def check_page_and_normal_style(doc) -> None:
    """A4, Decree 30 margins, Normal in Times New Roman 13-14 pt in every font slot."""
    section = doc.sections[0]
    assert round(mm(section.page_width)) == 210 and round(mm(section.page_height)) == 297
    assert 20 <= mm(section.top_margin) <= 25 and 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35 and 15 <= mm(section.right_margin) <= 20
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {rfonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    # No style falls back to a theme font (which Word prefers over the name).
    for el in doc.styles.element.iter(qn("w:rFonts")):
        assert not any(el.get(qn(f"w:{a}")) for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))


def headings(doc, level=1):
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


# --------------------------------------------------------------------------- a full commune plan

@pytest.fixture(scope="module")
def full(tmp_path_factory):
    plan, restored = tan_phong()
    path = tmp_path_factory.mktemp("docx") / "tan-phong.docx"
    assert write_docx(plan, restored, path) == path
    return plan, restored, Document(str(path))


def test_page_margins_and_normal_font(full):
    check_page_and_normal_style(full[2])
    assert full[2].core_properties.title == full[0].title and full[2].core_properties.language == "vi-VN"


def test_named_styles_carry_the_look(full):
    doc = full[2]
    used = {p.style.name for p in doc.paragraphs}
    assert {"Document Type", "Title", "Heading 1", "Heading 2", "Body Text", "List Paragraph"} <= used
    for name in ("Heading 1", "Heading 2", "Document Type", "Title", "Signature"):
        style = doc.styles[name]
        assert style.font.bold and style.font.name == "Times New Roman"
        assert str(style.font.color.rgb) == "000000"
    assert doc.styles["Heading 3"].font.italic
    body = doc.styles["Body Text"].paragraph_format
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and 1.0 <= body.first_line_indent.cm <= 1.27
    assert doc.styles["Recipients"].font.size.pt == 11 and doc.styles["Recipients Heading"].font.italic
    assert [t.style.name for t in doc.tables] == ["Sohoa Layout Table", "Sohoa Table", "Sohoa Table",
                                                  "Sohoa Layout Table"]


def test_header_block_is_a_borderless_two_column_table(full):
    plan, _, doc = full
    first = next(body_items(doc))
    assert first._tbl is doc.tables[0]._tbl and len(first.columns) == 2
    borders = doc.styles["Sohoa Layout Table"].element.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    (issuer, motto), (number, dated) = [row.cells for row in first.rows]
    assert issuer.paragraphs[0].text == "UBND HUYỆN SƠN MINH"
    assert issuer.paragraphs[1].text == "ỦY BAN NHÂN DÂN\nXÃ TÂN PHONG"       # broken before the unit
    assert not issuer.paragraphs[0].runs[0].bold and issuer.paragraphs[1].runs[0].bold
    assert [p.text for p in motto.paragraphs[:2]] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                      "Độc lập - Tự do - Hạnh phúc"]
    assert all(p.runs[0].bold for p in motto.paragraphs[:2])
    assert number.text == "Số: 27/KH-UBND"
    assert dated.text == "Tân Phong, ngày 08 tháng 02 năm 2025" and dated.paragraphs[0].runs[0].italic
    assert all(p.alignment is None and p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
               for p in (issuer.paragraphs[0], motto.paragraphs[0], dated.paragraphs[0]))


def test_document_type_and_title_centred_bold(full):
    plan, _, doc = full
    kind = next(p for p in doc.paragraphs if p.style.name == "Document Type")
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert kind.text == "KẾ HOẠCH" and title.text == plan.title        # the two title lines joined
    for p in (kind, title):
        assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER and p.style.font.bold


def test_section_headings_are_bold_headings(full):
    doc = full[2]
    assert headings(doc, 1) == ROMAN_HEADINGS
    assert headings(doc, 2) == ["1. Mục đích", "2. Yêu cầu"]


def test_paragraphs_are_joined_without_scan_line_breaks(full):
    _, restored, doc = full
    texts = [p.text for p in doc.paragraphs]
    assert not any("\n" in t for t in texts)
    # A paragraph of three scan lines, and one broken by a page break (a blank line mid-sentence).
    assert any(t.startswith("Căn cứ Nghị quyết") and "xã Tân Phong về nhiệm vụ" in t and t.endswith("như sau:")
               for t in texts)
    assert "Thường xuyên kiểm tra, đôn đốc, kịp thời tháo gỡ khó khăn, vướng mắc trong quá trình thực hiện; " \
           "định kỳ sơ kết, rút kinh nghiệm." in texts
    items = [p for p in doc.paragraphs if p.style.name == "List Paragraph"]
    assert [p.text[:2] for p in items] == ["1.", "2.", "3."]            # the tasks; targets are in their table


def test_every_word_of_the_restored_text_is_in_the_document(full):
    _, restored, doc = full
    missing = set(fold(restored.text).split()) - set(fold(all_text(doc)).split())
    assert missing == set()


def test_targets_table_one_row_per_target_in_vietnamese_numbers(full):
    plan, _, doc = full
    table = doc.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Chỉ tiêu", "Giá trị", "Đơn vị tính"]
    assert len(rows) == 1 + count_targets(plan.targets)
    assert [r[0] for r in rows[1:] if r[0]] == [str(n) for n in range(1, 13)]
    by_indicator = {r[1]: (r[2], r[3]) for r in rows[1:]}
    assert by_indicator["Tổng sản lượng lương thực có hạt"] == ("4.350", "tấn")
    assert by_indicator["Diện tích lúa chất lượng cao"] == ("215,5", "ha")
    assert by_indicator["Tổng thu ngân sách trên địa bàn"] == ("6.832.510.000", "đồng")
    assert by_indicator["Tỷ lệ hộ nghèo"] == ("giảm còn 2,32", "%")
    assert by_indicator["Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân"] == ("10,2", "%")
    assert by_indicator["Gia đình đạt danh hiệu văn hóa"] == ("2.210", "hộ")
    # Breakdown rows sit indented under their target, without a number of their own.
    i = [r[1] for r in rows].index("Đàn gia súc")
    assert rows[i][2:] == ["", ""]
    assert rows[i + 1] == ["", "- trâu, bò", "1.240", "con"] and rows[i + 2] == ["", "- lợn", "7.800", "con"]
    indent = table.rows[i + 1].cells[1].paragraphs[0].paragraph_format.left_indent
    assert indent is not None and indent.cm > 0
    # The header row repeats on each page; the table replaced the numbered target lines.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert not any(p.text.startswith(("1. Tổng sản lượng", "12. Làm mới")) for p in doc.paragraphs)
    # ... and sits where they were: after heading II, before heading III.
    order = [x.text if hasattr(x, "style") and not hasattr(x, "rows") else "<table>" for x in body_items(doc)]
    assert order.index(ROMAN_HEADINGS[1]) < order.index("<table>", 1) < order.index(ROMAN_HEADINGS[2])


def test_assignments_table_who_what_deadline(full):
    doc = full[2]
    rows = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    assert rows[0] == ["STT", "Đơn vị, cá nhân thực hiện", "Nhiệm vụ", "Thời hạn"]
    assert rows[1][:2] == ["1", "Công chức Địa chính - Nông nghiệp"] and rows[1][3] == "15/12/2025"
    # The whole item text, so nothing of the source is lost; the assignee is its own column.
    assert rows[1][2] == ("Chủ trì, phối hợp với các thôn triển khai các chỉ tiêu sản xuất nông nghiệp, "
                          "báo cáo kết quả trước ngày 15/12/2025.")
    assert rows[2][3] == "30/11/2025" and rows[3][3] == ""
    assert rows[3][2].startswith("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã")


def test_closing_block_recipients_left_signature_right(full):
    doc = full[2]
    table = doc.tables[-1]
    left, right = table.rows[0].cells
    assert [p.text for p in left.paragraphs] == ["Nơi nhận:", "- UBND huyện Sơn Minh;", "- TT Đảng ủy, HĐND xã;",
                                                 "- Các ban, ngành, đoàn thể xã;", "- Trưởng các thôn;", "- Lưu: VT."]
    assert left.paragraphs[0].style.name == "Recipients Heading"
    assert {p.style.name for p in left.paragraphs[1:]} == {"Recipients"}
    lines = [p.text for p in right.paragraphs if p.text]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Thị Minh Hằng"]
    assert all(p.style.name == "Signature" for p in right.paragraphs)
    # The closing lines of the scan are not repeated as body text.
    assert not any(p.text.startswith(("Nơi nhận", "- UBND huyện")) for p in doc.paragraphs)


def test_no_comments_without_review(full):
    doc = full[2]
    assert len(doc.comments) == 0
    assert not any(r.font.highlight_color for p in doc.paragraphs for r in p.runs)


# --------------------------------------------------------------------------- review mode

def highlighted(doc):
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    return [r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]


def test_review_mode_marks_unsure_changes_with_the_ocr_text(tmp_path):
    plan, restored = tan_phong()
    write_docx(plan, restored, tmp_path / "review.docx", review=True)
    doc = Document(str(tmp_path / "review.docx"))
    # Changed with confidence < 0.6: marked, wherever the word is printed (title, text, tables, closing).
    assert sorted(highlighted(doc)) == sorted(["nhiệm", "đôn", "trâu", "Nhân", "thôn"])
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert [r.text for r in title.runs if r.font.highlight_color] == ["nhiệm"]
    comments = {c.text for c in doc.comments}
    assert len(doc.comments) == 5
    assert "OCR: «don» → «đôn», độ tin cậy 0,41" in comments
    assert any("«trau»" in c for c in comments) and any("«Nhan»" in c for c in comments)
    assert all(c.author == "sohoa" for c in doc.comments)
    # Sure changes (Nghị, đoàn: 1.0) are not marked; the text itself is the same as without review.
    write_docx(plan, restored, tmp_path / "plain.docx")
    plain = Document(str(tmp_path / "plain.docx"))
    assert [p.text for p in doc.paragraphs] == [p.text for p in plain.paragraphs]


def test_review_mode_without_a_quality_block_computes_it(tmp_path):
    plan, restored = tan_phong()
    plan.quality = Quality()
    write_docx(plan, restored, tmp_path / "review.docx", review=True)
    assert {"đôn", "Nhân"} <= set(highlighted(Document(str(tmp_path / "review.docx"))))


# --------------------------------------------------------------------------- sparse plans

def sparse_cases():
    lines = lambda *t: RestoredText(lines=[RestoredLine(x, x) for x in t])   # noqa: E731
    yield "empty", Plan(source=SOURCE), RestoredText(lines=[])
    yield "blank lines", Plan(source=SOURCE), lines("", "  ", "")
    yield "text only", Plan(source=SOURCE), lines("Trồng mới 5.000 cây phân tán.", "", "Lưu: VT.")
    yield "title only", Plan(source=SOURCE, title="Kế hoạch trồng cây"), lines("Kế hoạch trồng cây")
    yield "targets without lines", Plan(
        source=SOURCE, targets=[Target(1, "Trồng rừng", 62.0, "ha"), Target(None, "", None)],
        assignments=[Assignment(None, "Các thôn", "")], recipients=["Lưu: VT"],
        header=Header(signer="Nguyễn Văn An")), RestoredText(lines=[])
    yield "bad header values", Plan(
        source=SOURCE, header=Header(date="2025-13-40", number="Số: 1/KH", doc_type="kế hoạch"),
        sections=[Section(None, None, line=99)]), lines("Số: 1/KH")


@pytest.mark.parametrize("name, plan, restored", list(sparse_cases()), ids=[c[0] for c in sparse_cases()])
def test_sparse_plans_write_a_valid_document(tmp_path, name, plan, restored):
    for review in (False, True):
        write_docx(plan, restored, tmp_path / "sparse.docx", review=review)
        doc = Document(str(tmp_path / "sparse.docx"))
        check_page_and_normal_style(doc)
    styles = [t.style.name for t in doc.tables]
    header = plan.header
    assert ("Sohoa Layout Table" in styles[:1]) == any((header.issuer, header.number, header.date))
    assert styles.count("Sohoa Table") == bool(plan.targets) + bool(plan.assignments)
    text = all_text(doc)
    for line in restored.lines:
        assert all(w in text for w in line.text.split())


def test_sparse_plan_fallbacks_print_what_they_have(tmp_path):
    plan = next(p for n, p, _ in sparse_cases() if n == "targets without lines")
    write_docx(plan, RestoredText(lines=[]), tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["1", "Trồng rừng", "62", "ha"]
    assert doc.tables[-1].rows[0].cells[0].text == "Nơi nhận:\n- Lưu: VT."
    assert doc.tables[-1].rows[0].cells[1].text.strip() == "Nguyễn Văn An"
    plan = next(p for n, p, _ in sparse_cases() if n == "bad header values")
    write_docx(plan, restored_from("Số: 1/KH"), tmp_path / "h.docx")
    doc = Document(str(tmp_path / "h.docx"))
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["Số: 1/KH", "2025-13-40"]
    assert [p.text for p in doc.paragraphs if p.style.name == "Document Type"] == ["KẾ HOẠCH"]


def test_targets_in_running_text_keep_the_text_and_get_a_table(tmp_path):
    text = ("I. MỤC TIÊU\nPhấn đấu năm 2025 trồng mới 62 ha rừng tập trung và giữ tỷ lệ che phủ rừng đạt\n"
            "trên 65 %, bảo đảm an toàn phòng cháy.\nII. TỔ CHỨC THỰC HIỆN\nCác thôn triển khai.")
    restored = restored_from(text)
    plan = Plan(source=SOURCE, targets=[Target(1, "Trồng mới rừng tập trung", 62, "ha", line=2),
                                        Target(2, "Tỷ lệ che phủ rừng", 65, "%", qualifier="trên", line=2)])
    write_docx(plan, restored, tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    order = [getattr(x, "text", "<table>") if not hasattr(x, "rows") else "<table>" for x in body_items(doc)]
    prose = next(t for t in order if t.startswith("Phấn đấu"))
    assert prose.endswith("bảo đảm an toàn phòng cháy.")
    assert order.index(prose) + 1 == order.index("<table>")
    assert doc.tables[0].rows[2].cells[2].text == "trên 65"


def test_misread_roman_numeral_is_printed_as_the_plan_reads_it(tmp_path):
    restored = restored_from("I. MỤC ĐÍCH\nNội dung.\nIl. NỘI DUNG\nNội dung.\nHI. NHIỆM VỤ\nNội dung.")
    plan = Plan(source=SOURCE, sections=[Section("I", "MỤC ĐÍCH", line=1), Section("II", "NỘI DUNG", line=3),
                                         Section("III", "NHIỆM VỤ", line=5)])
    write_docx(plan, restored, tmp_path / "r.docx")
    assert headings(Document(str(tmp_path / "r.docx"))) == ["I. MỤC ĐÍCH", "II. NỘI DUNG", "III. NHIỆM VỤ"]


def test_unwritable_destination_is_a_typed_error(tmp_path):
    plan, restored = tan_phong()
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError) as err:
        write_docx(plan, restored, blocker / "out.docx")
    assert "file.txt" in str(err.value)


# --------------------------------------------------------------------------- the real pipeline

@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    opts = ProcessOptions(outdir=out, formats=("docx", "txt"))
    return {p.stem: (process_document(p, opts), Document(str(out / f"{p.stem}.docx")))
            for p in (LEGACY_SAMPLE, SCAN_SAMPLE)}


@pytest.mark.slow
@pytest.mark.parametrize("name", [LEGACY_SAMPLE.stem, SCAN_SAMPLE.stem])
def test_samples_through_the_pipeline(samples, name):
    result, doc = samples[name]
    check_page_and_normal_style(doc)
    # The four Roman sections, whatever OCR made of their numerals (`HI.` in the scan).
    assert [h.split(".")[0] for h in headings(doc)] == ["I", "II", "III", "IV"]
    missing = set(fold(result.restored.text).split()) - set(fold(all_text(doc)).split())
    assert len(missing) <= 3, missing                    # `HI` became `III`: that is all
    assert not any("\n" in p.text for p in doc.paragraphs)
    paragraphs = [p for p in doc.paragraphs if p.text]
    # Fewer paragraphs than non-blank scan lines: the line breaks inside paragraphs are gone
    # (the scan is a short page of one-line items; the legacy text is long paragraphs).
    lines = sum(1 for l in result.restored.lines if l.text.strip())
    assert len(paragraphs) <= (lines - 4 if name == SCAN_SAMPLE.stem else 0.5 * lines)
    assert doc.tables and doc.tables[-1].rows[0].cells[0].text.startswith("Nơi nhận:")


@pytest.mark.slow
def test_scan_sample_paragraph_runs_over_three_lines(samples):
    _, doc = samples[SCAN_SAMPLE.stem]
    joined = [p.text for p in doc.paragraphs if fold(p.text).startswith("can cu nghi quyet")]
    assert len(joined) == 1 and fold(joined[0]).endswith("nhu sau")


@pytest.mark.slow
def test_cli_review_flag_writes_comments_for_the_quality_list(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pipeline.cli", "process", str(LEGACY_SAMPLE), "-o", str(tmp_path),
                        "--review", "--formats", "json,docx"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    plan = json.loads((tmp_path / f"{LEGACY_SAMPLE.stem}.json").read_text(encoding="utf-8"))
    expected = [w for w in plan["quality"]["low_confidence"] if w["text"] != w["original"]]
    doc = Document(str(tmp_path / f"{LEGACY_SAMPLE.stem}.docx"))
    # Each comment names the OCR word and (to two decimals) the confidence the JSON lists for it;
    # each listed word is marked once. A listed word the document does not print (a unit the
    # parser read as "tấn" where restoration wrote "tín") has nothing to mark.
    said = [(c.text.split("«")[1].split("»")[0],
             float(c.text.rsplit("độ tin cậy ", 1)[1].split(";")[0].replace(",", "."))) for c in doc.comments]
    listed = [(w["original"], w["confidence"]) for w in expected]
    remaining = list(listed)
    for word, conf in said:
        match = next((w for w in remaining if w[0] == word and abs(w[1] - conf) <= 0.0051), None)
        assert match is not None, (word, conf)
        remaining.remove(match)
    assert len(said) >= 0.9 * len(listed)


def test_written_plan_read_back_from_json_writes_the_same_docx(tmp_path):
    """write_docx takes a Plan read from its JSON (as `sohoa` tools do) just as well."""
    plan, restored = tan_phong()
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    write_docx(plan, restored, tmp_path / "a.docx")
    write_docx(again, restored, tmp_path / "b.docx")
    a, b = Document(str(tmp_path / "a.docx")), Document(str(tmp_path / "b.docx"))
    assert all_text(a) == all_text(b)


def test_header_only_plan_and_title_spacing(tmp_path):
    plan = Plan(source=SOURCE, header=replace(Header(), issuer="UBND XÃ AN LẠC", place="An Lạc", date="2025-03-05"))
    write_docx(plan, RestoredText(lines=[]), tmp_path / "h.docx")
    doc = Document(str(tmp_path / "h.docx"))
    assert doc.tables[0].rows[1].cells[1].text == "An Lạc, ngày 05 tháng 3 năm 2025"
    assert doc.tables[0].rows[1].cells[0].text == ""


@pytest.mark.slow
def test_scan_sample_with_a_full_plan_gets_the_decree_layout(samples, tmp_path):
    """The scan's real OCR and restoration, with the plan a full parser gives for it (issue 4
    fills these fields): header table, targets table, closing block, all from the real lines."""
    result, _ = samples[SCAN_SAMPLE.stem]
    restored, plan = result.restored, result.plan
    at = lambda words: next(i for i, l in enumerate(restored.lines, 1) if fold(l.text).startswith(fold(words)))  # noqa: E731
    plan.header = Header(issuer="ỦY BAN NHÂN DÂN XÃ PHÚC LỘC", issuer_parent="UBND HUYỆN YÊN SƠN",
                         number="08/KH-UBND", place="Phúc Lộc", date="2025-01-15", doc_type="KẾ HOẠCH",
                         signer="Nguyễn Văn Hùng", signer_title="CHỦ TỊCH")
    plan.title = "Phát triển sản xuất nông nghiệp năm 2025"
    plan.sections = [Section(n, t, line=at(w)) for n, t, w in (
        ("I", "MỤC ĐÍCH, YÊU CẦU", "I. MỤC"), ("II", "CÁC CHỈ TIÊU CHỦ YẾU", "II. CÁC"),
        # Tesseract reads this numeral as "HI." or "II." depending on preprocessing; the parser
        # repairs the sequence, and the DOCX heading comes from the plan's number
        ("III", "NHIỆM VỤ, GIẢI PHÁP", next(l.text for l in restored.lines if l.text.endswith("NHIỆM VỤ, GIẢI PHÁP"))),
        ("IV", "TỔ CHỨC THỰC HIỆN", "IV. TỔ"))]
    plan.targets = [
        Target(1, "Tổng sản lượng lương thực", 3120, "tấn", line=at("1. Tổng sản lượng"),
               breakdown=[Target(None, "thóc", 2640, "tấn", line=at("1. Tổng sản lượng"))]),
        Target(2, "Diện tích trồng rừng mới", 45, "ha", line=at("2. Diện tích")),
        Target(3, "Đàn gia súc", None, None, line=at("3. Đàn gia súc"), breakdown=[
            Target(None, "trâu, bò", 820, "con", line=at("3. Đàn gia súc")),
            Target(None, "lợn", 6200, "con", line=at("3. Đàn gia súc"))]),
        Target(4, "Tỷ lệ hộ nghèo", 3.5, "%", qualifier="giảm còn", line=at("4. Tỷ lệ")),
        Target(5, "Tỷ lệ người dân tham gia BHYT", 96.5, "%", qualifier="trở lên", line=at("5. Tỷ lệ")),
    ]
    plan.assignments = [Assignment(1, "Công chức Địa chính - Nông nghiệp", "", "2025-12-15", line=at("1. Công chức")),
                        Assignment(2, "Mặt trận Tổ quốc xã", "", None, line=at("2. Đề nghị"))]
    plan.recipients = ["UBND huyện", "Lưu: VT"]
    write_docx(plan, restored, tmp_path / "phuc-loc.docx")
    doc = Document(str(tmp_path / "phuc-loc.docx"))
    check_page_and_normal_style(doc)
    (issuer, motto), (number, dated) = [row.cells for row in doc.tables[0].rows]
    assert issuer.text.startswith("UBND HUYỆN YÊN SƠN\nỦY BAN NHÂN DÂN\nXÃ PHÚC LỘC")
    assert motto.text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert number.text == "Số: 08/KH-UBND" and dated.text == "Phúc Lộc, ngày 15 tháng 01 năm 2025"
    # Nothing of the scanned header is repeated as body text; the body starts at "Căn cứ".
    body = [p.text for p in doc.paragraphs if p.text and p.style.name not in ("Document Type", "Title")]
    assert body[0].startswith("Căn cứ Nghị quyết số 12/NQ-HĐND") and body[0].endswith("như sau:")
    assert headings(doc) == ["I. MỤC ĐÍCH, YÊU CẦU", "II. CÁC CHỈ TIÊU CHỦ YẾU", "III. NHIỆM VỤ, GIẢI PHÁP",
                             "IV. TỔ CHỨC THỰC HIỆN"]
    values = [[c.text for c in row.cells][2] for row in doc.tables[1].rows[1:]]
    assert values == ["3.120", "2.640", "45", "", "820", "6.200", "giảm còn 3,5", "96,5 trở lên"]
    closing = doc.tables[-1].rows[0].cells
    assert closing[0].text == "Nơi nhận:\n- UBND huyện;\n- Lưu: VT."
    assert [t for t in closing[1].text.split("\n") if t] == ["CHỦ TỊCH", "Nguyễn Văn Hùng"]
    missing = set(fold(restored.text).split()) - set(fold(all_text(doc)).split())
    assert missing <= {"hi", "dat"}, missing     # `HI.` printed as III.; "đạt" is in the qualifier's place


def test_issuer_names_break_before_their_unit_or_near_the_middle():
    from pipeline.export.docx_tables import issuer_lines
    assert issuer_lines("ỦY BAN NHÂN DÂN XÃ TÂN PHONG") == ("ỦY BAN NHÂN DÂN", "XÃ TÂN PHONG")
    assert issuer_lines("ỦY BAN NHÂN DÂN THỊ TRẤN PHONG THỔ") == ("ỦY BAN NHÂN DÂN", "THỊ TRẤN PHONG THỔ")
    assert issuer_lines("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO") == ("PHÒNG GIÁO DỤC", "VÀ ĐÀO TẠO")
    assert issuer_lines("UBND HUYỆN SƠN MINH") == ("UBND HUYỆN SƠN MINH", "")


PARTY_PLAN = """\
ĐẢNG BỘ HUYỆN LÂM HÀ
ĐẢNG ỦY XÃ TÀ XÙA
*
Số 17-KH/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
Tà Xùa, ngày 12 tháng 4 năm 2025

KẾ HOẠCH
học tập, quán triệt nghị quyết của Đảng năm 2025

A- MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Giúp cán bộ, đảng viên nắm vững nội dung cơ bản của các nghị quyết, tạo sự thống nhất trong
nhận thức và hành động.
B- TỔ CHỨC THỰC HIỆN
1. Các chi bộ tổ chức học tập cho 100% đảng viên trước ngày 30/6/2025.
T/M ĐẢNG ỦY
BÍ THƯ
Hà Văn Sinh
"""


def test_party_document_header_and_outline(tmp_path):
    restored = restored_from(PARTY_PLAN)
    plan = Plan(source=SOURCE, title="học tập, quán triệt nghị quyết của Đảng năm 2025",
                header=Header(issuer="ĐẢNG ỦY XÃ TÀ XÙA", issuer_parent="ĐẢNG BỘ HUYỆN LÂM HÀ",
                              number="17-KH/ĐU", place="Tà Xùa", date="2025-04-12", doc_type="KẾ HOẠCH",
                              signer="Hà Văn Sinh", signer_title="BÍ THƯ"))
    write_docx(plan, restored, tmp_path / "party.docx")
    doc = Document(str(tmp_path / "party.docx"))
    (issuer, motto), (number, dated) = [row.cells for row in doc.tables[0].rows]
    assert motto.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and motto.paragraphs[0].runs[0].underline
    assert issuer.paragraphs[-1].text == "*" and number.text == "Số 17-KH/ĐU"
    assert dated.text == "Tà Xùa, ngày 12 tháng 4 năm 2025"
    assert "CỘNG HÒA" not in all_text(doc)
    assert not any("ĐẢNG CỘNG SẢN" in p.text for p in doc.paragraphs)
    assert headings(doc, 1) == ["A- MỤC ĐÍCH, YÊU CẦU", "B- TỔ CHỨC THỰC HIỆN"]
    assert headings(doc, 2) == ["1. Mục đích"]
    signature = [t for t in doc.tables[-1].rows[0].cells[1].text.split("\n") if t]
    assert signature == ["T/M ĐẢNG ỦY", "BÍ THƯ", "Hà Văn Sinh"]


def test_text_after_the_end_mark_that_is_no_closing_stays_as_joined_text(tmp_path):
    text = ("I. NỘI DUNG\nCác thôn ra quân trồng cây đầu xuân.\nĐây là kế hoạch của Ủy ban nhân dân xã./.\n"
            "Ghi chú: các thôn gửi báo cáo về Ủy ban nhân dân xã trước ngày 30 hằng tháng để tổng\nhợp.\n"
            "Nơi nhận:\n- Các thôn;\n- Lưu: VT.")
    write_docx(Plan(source=SOURCE), restored_from(text), tmp_path / "e.docx")
    doc = Document(str(tmp_path / "e.docx"))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[-1] == ("Ghi chú: các thôn gửi báo cáo về Ủy ban nhân dân xã trước ngày 30 hằng tháng để tổng "
                         "hợp.")
    assert doc.tables[-1].rows[0].cells[0].text == "Nơi nhận:\n- Các thôn;\n- Lưu: VT."


def test_review_marks_the_unsure_one_of_two_identical_changes(tmp_path):
    text = "Các cơ quan, đơn vị phối hợp với cơ sở."
    restored = restored_from(text)
    first, second = [t for t in restored.lines[0].tokens if t.text == "cơ"]
    first.original, second.original = "co", "co"
    first.confidence, second.confidence = 1.0, 0.35             # only the second is unsure
    plan = Plan(source=SOURCE, quality=quality_for(restored))
    write_docx(plan, restored, tmp_path / "r.docx", review=True)
    doc = Document(str(tmp_path / "r.docx"))
    runs = doc.paragraphs[0].runs
    marked = [i for i, r in enumerate(runs) if r.font.highlight_color]
    assert len(marked) == 1 and runs[marked[0]].text == "cơ"
    assert "".join(r.text for r in runs[:marked[0]]).endswith("phối hợp với ")
    assert [c.text for c in doc.comments] == ["OCR: «co» → «cơ», độ tin cậy 0,35"]
