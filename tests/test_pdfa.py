"""Searchable PDF/A and ALTO (issue 11): the page images as the source has them, the restored
words over them where the OCR found them, read back with qpdf, poppler and the ALTO schema."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.model import Box, PageInfo, RawLine, RawText, RestoredText
from tests.benchmarks_vnscore import score
from tests.scanpages import PLAN_A, PLAN_B, font_file

needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("qpdf")),
                                   reason="qpdf and poppler-utils (make setup-test installs them)")

LINES = PLAN_A + PLAN_B
TARGET_LINE, TARGET_WORD = 4, "7.400"        # "1. Tổng đàn lợn đạt 7.400 con, ..."


def draw_page(dpi: int = 300):
    """A page of our plan text, and the box of every word on it (from the font), as
    (RestoredText with the true words at their true boxes, PIL image)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 300
    font = ImageFont.truetype(font_file(), round(46 * scale))
    margin, pitch = round(150 * scale), round(70 * scale)
    img = Image.new("L", (round(2480 * scale), 2 * margin + pitch * len(LINES)), 255)
    draw = ImageDraw.Draw(img)
    raw = []
    for i, line in enumerate(LINES):
        y = margin + i * pitch
        draw.text((margin, y), line, font=font, fill=0)
        boxes, pos = [], 0
        for word in line.split():
            start = line.index(word, pos)
            pos = start + len(word)
            x = margin + draw.textlength(line[:start], font=font)
            boxes.append(Box(*(int(round(v)) for v in draw.textbbox((x, y), word, font=font))))
        raw.append(RawLine(text=line, page=1, confidences=[95.0] * len(boxes), boxes=boxes, block=1))
    from pipeline.restore import restore_text
    restored = restore_text(RawText(lines=raw, pages=[
        PageInfo(number=1, read="ocr", width=img.width, height=img.height, dpi=dpi)]))
    return restored, img


@pytest.fixture(scope="module")
def page():
    return draw_page()


def pdftotext_words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points, as pdftotext -bbox reads the text layer."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def assert_pdfa(pdf: Path, part: int = 2) -> None:
    import pikepdf

    subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, check=True)
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == str(part) and meta["pdfaid:conformance"] == "B"
        assert doc.Root.OutputIntents[0].S == "/GTS_PDFA1"
    from pikepdf.pdfa import validate_written
    report = validate_written(pdf, f"{part}b")
    assert report.passed, report.findings[:3]


# ------------------------------------------------------------------ the text layer, placed

@needs_poppler
def test_every_word_is_found_at_its_box_in_the_pdf_text_layer(tmp_path, page):
    from pipeline.export.pdf import write_pdf

    restored, img = page
    src = tmp_path / "page.png"
    img.save(src, dpi=(300, 300))
    out = write_pdf(restored, src, tmp_path / "page.pdf")
    assert_pdfa(out)
    found = pdftotext_words(out)
    words = [w for w in restored.words()]
    assert [f[0] for f in found] == [w.text for w in words]
    k = 72 / 300
    for (text, x0, y0, x1, y1), w in zip(found, words):
        # along the line, exact to a pixel or two; across it, the band the line's words share
        # (accents above and dots below make words of one line differ in height)
        assert abs(x0 / k - w.box.x0) <= 2 and abs(x1 / k - w.box.x1) <= 2, (text, x0 / k, x1 / k, w.box)
        overlap = min(y1 / k, w.box.y1) - max(y0 / k, w.box.y0)
        assert overlap >= 0.75 * w.box.height and abs((y0 + y1) / 2 / k - (w.box.y0 + w.box.y1) / 2) <= 12, \
            (text, y0 / k, y1 / k, w.box)


@needs_poppler
def test_copying_gives_the_restored_vietnamese_in_reading_order(tmp_path, page):
    from pipeline.export.pdf import write_pdf

    restored, img = page
    src = tmp_path / "page.jpg"
    img.save(src, quality=80, dpi=(300, 300))
    out = write_pdf(restored, src, tmp_path / "page.pdf")
    text = pdftotext(out)
    assert "Tổng đàn lợn đạt 7.400 con" in text
    assert score(restored.text, text)["acc"] == 1.0


def test_a_jpeg_page_keeps_its_own_bytes_and_an_image_its_pixels(tmp_path, page):
    import pikepdf
    from PIL import Image

    from pipeline.export.pdf import write_pdf

    restored, img = page
    jpg = tmp_path / "page.jpg"
    img.save(jpg, quality=70, dpi=(300, 300))
    with pikepdf.open(write_pdf(restored, jpg, tmp_path / "a.pdf")) as doc:
        (image,) = doc.pages[0].get_images().values()
        assert image.Filter == "/DCTDecode" and image.read_raw_bytes() == jpg.read_bytes()
        assert (int(doc.pages[0].mediabox[2]), int(doc.pages[0].mediabox[3])) == (round(img.width * 72 / 300),
                                                                                 round(img.height * 72 / 300))
    # a bitonal multi-page TIFF: every frame a page, CCITT G4, the same pixels
    frames = [img.point(lambda v: 255 if v > 128 else 0).convert("1"), img.rotate(180).convert("1")]
    tif = tmp_path / "pages.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="group4", dpi=(300, 300))
    two = RestoredText(lines=restored.lines, pages=[restored.pages[0], PageInfo(2, "ocr", img.width, img.height, 300)])
    out = write_pdf(two, tif, tmp_path / "b.pdf")
    assert out.stat().st_size <= 1.35 * (tif.stat().st_size + 4000 + 3000 * 2)
    with pikepdf.open(out) as doc:
        assert len(doc.pages) == 2
        for frame, pdf_page in zip(frames, doc.pages):
            (image,) = pdf_page.get_images().values()
            assert image.Filter == "/CCITTFaxDecode"
            decoded = pikepdf.PdfImage(image).as_pil_image().convert("L")
            assert decoded.size == frame.size
            assert np.array_equal(np.asarray(decoded), np.asarray(frame.convert("L")))
    # a PNG: its compressed data copied as it is (Flate with PNG predictors)
    png = tmp_path / "page.png"
    img.save(png, dpi=(300, 300))
    with pikepdf.open(write_pdf(restored, png, tmp_path / "c.pdf")) as doc:
        (image,) = doc.pages[0].get_images().values()
        decoded = pikepdf.PdfImage(image).as_pil_image()
        assert np.array_equal(np.asarray(decoded), np.asarray(Image.open(png)))


@needs_poppler
def test_a_page_read_turned_is_shown_upright(tmp_path, page):
    """The scan lies on its side; the OCR turned it a quarter clockwise (PageInfo.rotation 90)
    and found the words in the upright frame. The PDF page is upright, the words on them."""
    from PIL import Image

    from pipeline.export.pdf import write_pdf

    restored, img = page
    src = tmp_path / "sideways.png"
    img.transpose(Image.Transpose.ROTATE_90).save(src, dpi=(300, 300))     # turned counter-clockwise
    info = restored.pages[0]
    turned = RestoredText(lines=restored.lines, pages=[PageInfo(1, "ocr", info.width, info.height, 300, rotation=90)])
    out = write_pdf(turned, src, tmp_path / "upright.pdf")
    png = tmp_path / "render"
    subprocess.run(["pdftoppm", "-r", "75", "-gray", "-png", "-singlefile", str(out), str(png)], check=True)
    shown = np.asarray(Image.open(str(png) + ".png").convert("L"), float)
    want = np.asarray(img.resize((shown.shape[1], shown.shape[0])), float)
    assert np.mean(np.abs(shown - want)) < 12          # the page as drawn, not turned
    w = next(w for w in pdftotext_words(out) if w[0] == TARGET_WORD)
    box = next(x.box for x in restored.words() if x.text == TARGET_WORD)
    assert abs(w[1] * 300 / 72 - box.x0) <= 2


# ------------------------------------------------------------------ PDF inputs

def scanned_pdf_with_old_layer(path: Path, img, garbage_lines: list[str]) -> bytes:
    """A scanner's PDF: the page image (JPEG) and an older OCR's invisible text over it."""
    import pikepdf

    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=75)
    pdf = pikepdf.new()
    w, h = img.width * 72 / 300, img.height * 72 / 300
    page = pdf.add_blank_page(page_size=(w, h))
    image = pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=img.width, Height=img.height, ColorSpace=pikepdf.Name.DeviceRGB,
                           BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
    text = " ".join(f"1 0 0 1 36 {h - 36 - 16.8 * (i + 1):.1f} Tm ({line}) Tj" for i, line in enumerate(garbage_lines))
    page.Contents = pdf.make_stream(f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im0 Do Q BT 3 Tr /F1 11 Tf {text} ET".encode())
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(
        F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    pdf.save(path)
    return buf.getvalue()


@needs_poppler
@pytest.mark.slow
def test_a_pdf_with_an_old_text_layer_gets_the_restored_one_instead(tmp_path, page):
    import pikepdf

    from pipeline.api import ProcessOptions, process_document

    _, img = page
    src = tmp_path / "old-layer.pdf"
    old = ["Phat trien chan nuoi va thuy san nam 2026", "Tong dan lon dat 7.400 con, dan trau bo 1.150 con",
           "Giao Cong chuc Dia chinh - Nong nghiep chu tri, bao cao ket qua"]
    jpeg = scanned_pdf_with_old_layer(src, img, old)
    before = src.read_bytes()
    result = process_document(src, ProcessOptions(outdir=tmp_path / "out", formats=("txt", "pdf", "alto")))
    assert src.read_bytes() == before                      # the input is never touched
    out = result.outputs["pdf"]
    assert_pdfa(out)
    text = pdftotext(out)
    assert "Phat trien" not in text and "Tong dan" not in text       # the old layer is gone
    assert score(result.restored.text, text)["acc"] >= 0.995
    with pikepdf.open(out) as doc, pikepdf.open(src) as was:
        assert doc.pages[0].mediabox == was.pages[0].mediabox
        (image,) = doc.pages[0].get_images().values()
        assert image.read_raw_bytes() == jpeg                        # the scan as it was
    from pipeline.export.alto import validate_alto
    validate_alto(result.outputs["alto"])


def test_invisible_text_objects_are_removed_and_state_is_kept():
    import pikepdf

    from pipeline.export.pdf_source import remove_invisible_text

    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.Contents = pdf.make_stream(
        b"q 3 Tr BT /F1 9 Tf (hidden) Tj ET Q "            # invisible: removed
        b"BT 0 0 1 rg (drawn) Tj ET "                       # Q restored mode 0: drawn, and uses F1
        b"BT 7 Tr (clip) Tj ET")                            # clipping only: invisible
    removed, visible = remove_invisible_text(pdf, page)
    assert removed and visible
    ops = [(str(op), [str(o) for o in operands]) for operands, op in pikepdf.parse_content_stream(page)]
    shown = [o[0] for op, o in ops if op == "Tj"]
    assert shown == ["drawn"]
    # the drawn text object is given the font the removed one had set
    assert ("Tf", ["/F1", "9"]) in ops


# ------------------------------------------------------------------ PDF/A-3b

def test_pdfa_3b_carries_the_plan_as_an_associated_file(tmp_path, page):
    import json

    import pikepdf

    from pipeline.export.pdf import write_pdf
    from pipeline.model import Plan, Source

    restored, img = page
    src = tmp_path / "page.png"
    img.save(src, dpi=(300, 300))
    plan = Plan(source=Source(path=str(src), sha256="0" * 64, kind="image", pages=1), title="Kế hoạch")
    out = write_pdf(restored, src, tmp_path / "page.pdf", plan=plan, pdfa="3b")
    from pikepdf.pdfa import validate_written
    assert validate_written(out, "3b").passed
    with pikepdf.open(out) as doc:
        assert doc.open_metadata()["pdfaid:part"] == "3"
        (spec,) = doc.Root.AF
        assert spec.AFRelationship == "/Data"
        attached = doc.attachments["page.json"].get_file()
        assert attached.mime_type == "application/json"
        assert json.loads(attached.read_bytes())["title"] == "Kế hoạch"


# ------------------------------------------------------------------ ALTO

def test_alto_validates_with_a_string_per_word_and_the_ocr_reading_of_changed_ones(tmp_path):
    import xml.etree.ElementTree as ET

    from pipeline.export.alto import write_alto, validate_alto
    from pipeline.restore import restore_text

    lines = ["Phat trien san xuat nong nghiep nam 2025", "nudc sach cho nguoi dan t6 chirc"]
    raw = []
    for i, text in enumerate(lines):
        boxes, x = [], 100
        for word in text.split():
            boxes.append(Box(x, 200 + 60 * i, x + 22 * len(word), 240 + 60 * i))
            x += 22 * len(word) + 18
        raw.append(RawLine(text=text, page=1, confidences=[60.0] * len(boxes), boxes=boxes, block=i))
    restored = restore_text(RawText(lines=raw, pages=[PageInfo(1, "ocr", 2000, 2800, 300)]))
    out = write_alto(restored, tmp_path / "p.alto.xml", source_name="p.png")
    validate_alto(out)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    root = ET.parse(out).getroot()
    strings = root.findall(".//a:String", ns)
    words = list(restored.words())
    assert [s.get("CONTENT") for s in strings] == restored.text.split()
    assert len(root.findall(".//a:TextBlock", ns)) == 2 and len(root.findall(".//a:TextLine", ns)) == 2
    changed = 0
    for s, w in zip(strings, words):
        alt = s.find("a:ALTERNATIVE", ns)
        assert (alt is not None) == w.changed and (alt is None or alt.text == w.original)
        changed += w.changed
        assert [int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")] == [w.box.x0, w.box.y0, w.box.width, w.box.height]
        assert 0 <= float(s.get("WC")) <= 1
    assert changed >= 4          # "nước", "tổ chức" ... were restored


@needs_poppler
@pytest.mark.slow
def test_a_known_word_is_found_at_its_place_in_the_pdf_and_the_alto(tmp_path, page):
    """Real Tesseract on a rendered page: the word the font put at a known box is found there in
    the PDF text layer (pdftotext -bbox) and in the ALTO, within a few pixels."""
    import xml.etree.ElementTree as ET

    from pipeline.api import ProcessOptions, process_document

    truth, img = page
    want = next(w.box for w in truth.words() if w.text == TARGET_WORD)
    src = tmp_path / "known.png"
    img.save(src, dpi=(300, 300))
    result = process_document(src, ProcessOptions(outdir=tmp_path, formats=("txt", "pdf", "alto")))
    assert_pdfa(result.outputs["pdf"])
    k = 300 / 72
    (word,) = [w for w in pdftotext_words(result.outputs["pdf"]) if w[0].rstrip(",") == TARGET_WORD]
    got = (word[1] * k, word[2] * k, word[3] * k, word[4] * k)
    # along the line within a few pixels; across it, the band of its line (which reaches down
    # to the descenders and dots below of the line's other words)
    assert abs(got[0] - want.x0) <= 4 and abs(got[2] - want.x1) <= 4, (got, want)
    assert abs(got[1] - want.y0) <= 8 and want.y1 - 4 <= got[3] <= want.y1 + 0.5 * want.height, (got, want)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    root = ET.parse(result.outputs["alto"]).getroot()
    (s,) = [s for s in root.findall(".//a:String", ns) if s.get("CONTENT").rstrip(",") == TARGET_WORD]
    x, y, w, h = (int(s.get(a)) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    assert all(abs(a - b) <= 6 for a, b in zip((x, y, x + w, y + h), want.as_list())), ((x, y, w, h), want)
    # the PDF's text is the .txt's, in reading order; the ALTO has one String per word of it
    txt = result.outputs["txt"].read_text(encoding="utf-8")
    assert score(txt, pdftotext(result.outputs["pdf"]))["acc"] >= 0.995
    assert [s.get("CONTENT") for s in root.findall(".//a:String", ns)] == txt.split()
    page_info = root.find(".//a:Page", ns)
    assert (int(page_info.get("WIDTH")), int(page_info.get("HEIGHT"))) == img.size


# ------------------------------------------------------------------ batch

@pytest.mark.slow
def test_the_batch_writes_pdf_and_alto_and_notes_them_skipped_for_text(tmp_path, page):
    import csv

    from pipeline.api import ProcessOptions
    from pipeline.batch import run_batch

    _, img = page
    inputs = tmp_path / "in"
    inputs.mkdir()
    img.save(inputs / "scan.png", dpi=(300, 300))
    (inputs / "plan.txt").write_text("KẾ HOẠCH\nPhat trien san xuat nong nghiep nam 2025\n", encoding="utf-8")
    out = tmp_path / "out"
    options = ProcessOptions(outdir=out, formats=("txt", "pdf", "alto"), jobs=1)
    assert run_batch([inputs], options, stream=io.StringIO(), bar=False) == 0
    assert {p.name for p in out.iterdir() if not p.name.startswith((".", "report", "sohoa", "metadata"))} == {
        "scan.txt", "scan.pdf", "scan.alto.xml", "plan.txt",
        "scan.words.json.gz", "plan.words.json.gz"}             # the words sidecar review works from
    rows = {Path(r["input"]).name: r for r in csv.DictReader(open(out / "report.csv", encoding="utf-8"))}
    assert rows["scan.png"]["notes"] == "" and "scan.pdf" in rows["scan.png"]["outputs"]
    assert rows["plan.txt"]["status"] == "done"
    assert "pdf skipped" in rows["plan.txt"]["notes"] and "alto skipped" in rows["plan.txt"]["notes"]
    # a rerun skips both (the notes stay in the report); a lost PDF is made again
    assert run_batch([inputs], options, stream=io.StringIO(), bar=False) == 0
    rows = {Path(r["input"]).name: r for r in csv.DictReader(open(out / "report.csv", encoding="utf-8"))}
    assert rows["plan.txt"]["status"] == "skipped" and "pdf skipped" in rows["plan.txt"]["notes"]
    (out / "scan.pdf").unlink()
    assert run_batch([inputs], options, stream=io.StringIO(), bar=False) == 0
    assert (out / "scan.pdf").is_file()
