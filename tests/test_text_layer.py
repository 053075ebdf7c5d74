"""PDF text layers judged per page (issue 10, part 1): a Vietnamese layer is kept, a layer an
engine without Vietnamese wrote over a scan is replaced by reading the scan again, junk is
never restored, and --text-layer use/redo override. The scanned PDFs are made the way scanner
software makes them: Tesseract's own PDF renderer lays its reading (English model: a legacy
layer; Vietnamese model: a good one) under the page image."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.ingest import load_document
from pipeline.ingest.layer import choose, judge
from tests.conftest import DATA, text_pdf
from tests.scanpages import PLAN_A, PLAN_B, render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from vnscore import score  # noqa: E402

LINES = PLAN_A + PLAN_B
GOLD = "\n".join(LINES)

# ------------------------------------------------------------------ verdicts, without PDFs


def test_a_vietnamese_text_is_trusted():
    v = judge(GOLD)
    assert v.kind == "vietnamese" and "Vietnamese letters" in v.why


def test_old_ocr_without_vietnamese_is_legacy():
    legacy = (DATA / "plans" / "an-binh-2024.eng.txt").read_text(encoding="utf-8")
    v = judge(legacy)
    assert v.kind == "legacy" and "old OCR" in v.why


def test_an_8bit_font_layer_is_junk():
    # what PDFium extracts from a document typeset in a TCVN3 font (Uû ban nh©n d©n ...)
    tcvn3 = ("Uû ban nh©n d©n x· H­ng ThÞnh\nKÕ ho¹ch ph¸t triÓn ch¨n nu«i vµ thñy s¶n n¨m 2026\n"
             "C¨n cø NghÞ quyÕt cña Héi ®ång nh©n d©n x· vÒ nhiÖm vô n¨m 2026;\n"
             "Tæng ®µn lîn ®¹t 7.400 con, ®µn tr©u bß 1.150 con.")
    assert judge(tcvn3).kind == "junk"


def test_which_reading_each_mode_chooses():
    viet, legacy, junk = judge(GOLD), judge((DATA / "plans" / "an-binh-2024.eng.txt").read_text(encoding="utf-8")), \
        judge("©§ ¤¤ ®® " * 10)
    assert choose(viet, "auto", scanned=True)[0] == "layer"
    assert choose(legacy, "auto", scanned=True)[0] == "ocr"
    assert choose(legacy, "auto", scanned=False)[0] == "layer"      # nothing to read again
    assert choose(junk, "auto", scanned=False)[0] == "ocr"          # render it and read it
    assert choose(legacy, "use", scanned=True)[0] == "layer"
    assert choose(viet, "redo", scanned=False)[0] == "ocr"
    assert choose(None, "use", scanned=True) == ("ocr", "no text layer")


# ------------------------------------------------------------------ real PDFs, real Tesseract


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """The same 300 dpi page as three PDFs: image only, with an English-model layer, with a
    Vietnamese-model layer."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("layers")
    png = folder / "page.png"
    Image.fromarray(render(LINES)).save(png, dpi=(300, 300))
    Image.open(png).convert("L").save(folder / "image-only.pdf", resolution=300)
    for lang in ("eng", "vie"):
        subprocess.run(["tesseract", str(png), str(folder / f"layer-{lang}"), "-l", lang, "pdf"],
                       check=True, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    return folder


def accuracy(text: str) -> float:
    return score(GOLD, text)["acc"]


@pytest.mark.slow
def test_a_legacy_layer_over_a_scan_is_read_again(scans):
    from pipeline.api import process

    doc = load_document(scans / "layer-eng.pdf")
    (page,) = doc.pages
    assert page.image is not None and page.image.shape[1] >= 1900       # rendered at the scan's dpi
    assert "old OCR" in page.why and page.layer                          # the layer kept beside it
    assert judge(page.text).kind == "legacy"
    plan = process(scans / "layer-eng.pdf", outdir=None)
    (reading,) = plan.source.reading
    assert reading["read"] == "ocr" and "scan was read again" in reading["why"]
    from pipeline.api import ProcessOptions, process_document
    result = process_document(scans / "layer-eng.pdf", ProcessOptions(outdir=None))
    assert accuracy(result.restored.text) >= 0.97
    # trusting the layer, as sohoa did before, is far worse
    used = process_document(scans / "layer-eng.pdf", ProcessOptions(outdir=None, text_layer="use"))
    assert used.plan.source.reading[0]["read"] == "layer"
    assert used.plan.source.reading[0]["why"].startswith("--text-layer use")
    assert accuracy(used.restored.text) < accuracy(result.restored.text)


@pytest.mark.slow
def test_a_vietnamese_layer_is_kept_and_redo_reads_the_scan(scans):
    from pipeline.api import ProcessOptions, process_document

    doc = load_document(scans / "layer-vie.pdf")
    (page,) = doc.pages
    assert page.image is None and "is Vietnamese" in page.why           # nothing rendered
    kept = process_document(scans / "layer-vie.pdf", ProcessOptions(outdir=None))
    assert kept.plan.source.reading[0]["read"] == "layer" and kept.plan.source.ocr is None
    assert accuracy(kept.restored.text) >= 0.97
    # the layer's words keep their boxes: the first line's first word near the page's left margin
    first = next(w for w in kept.restored.words() if w.box is not None)
    assert 60 <= first.box.x0 <= 130
    redone = process_document(scans / "layer-vie.pdf", ProcessOptions(outdir=None, text_layer="redo"))
    assert redone.plan.source.reading[0]["read"] == "ocr" and redone.plan.source.ocr["lang"] == "vie"
    assert redone.plan.source.reading[0]["why"].startswith("--text-layer redo")


@pytest.mark.slow
def test_an_image_only_pdf_is_read_by_ocr(scans):
    from pipeline.api import process

    plan = process(scans / "image-only.pdf", outdir=None)
    assert plan.source.reading[0]["read"] == "ocr" and plan.source.reading[0]["why"] == "no text layer"


def test_a_born_digital_layer_without_vietnamese_is_restored_as_text(tmp_path):
    from pipeline.api import ProcessOptions, process_document

    path = tmp_path / "typed.pdf"
    path.write_bytes(text_pdf(["KE HOACH phat trien san xuat nong nghiep nam 2025",
                               "Tong dan lon dat 7.400 con, dan trau bo 1.150 con."]))
    result = process_document(path, ProcessOptions(outdir=None))
    reading = result.plan.source.reading[0]
    assert reading["read"] == "layer" and "no scan to read again" in reading["why"]
    assert "phát triển sản xuất nông nghiệp" in result.restored.text


def test_the_cli_takes_text_layer_and_refuses_other_values(tmp_path, capsys):
    from pipeline.cli import main
    from pipeline.errors import ExitCode

    path = tmp_path / "typed.pdf"
    path.write_bytes(text_pdf(["KE HOACH phat trien san xuat nong nghiep nam 2025",
                               "Tong dan lon dat 7.400 con, dan trau bo 1.150 con."]))
    assert main(["process", str(path), "-o", str(tmp_path / "out"), "--formats", "json", "--text-layer", "use"]) == 0
    with pytest.raises(SystemExit) as e:
        main(["process", str(path), "--text-layer", "sometimes"])
    assert e.value.code == ExitCode.USAGE
    assert "--text-layer" in capsys.readouterr().err


# ------------------------------------------------------------------ fusion: the layer as a second reading


def test_layer_words_pair_with_the_ocr_words_they_cover():
    from pipeline.model import Box, LayerWord, PageInfo, RawLine
    from pipeline.ocr.fusion import attach_second_readings

    ocr = [RawLine("Tổng đàn lợn đạt", boxes=[Box(100, 100, 200, 140), Box(210, 100, 280, 140),
                                               Box(290, 100, 350, 140), Box(360, 100, 420, 140)])]
    layer = [LayerWord("Tong", Box(102, 98, 198, 142), 0),             # one to one
             LayerWord("danlon", Box(212, 99, 348, 141), 0),           # joins two words: unusable
             LayerWord("d", Box(360, 100, 385, 140), 0), LayerWord("at", Box(388, 100, 420, 140), 0)]  # splits one
    assert attach_second_readings(ocr, layer, PageInfo(1, read="ocr", width=1000, height=1400), 1000, 1400) == 1
    assert ocr[0].second == ["Tong", None, None, None]
    # a page the OCR turned a quarter clockwise: the layer (drawn on the page as it was) is turned too
    turned = [RawLine("Tổng", boxes=[Box(1260, 100, 1300, 200)])]      # 1400 - 140 .. 1400 - 100
    info = PageInfo(1, read="ocr", width=1400, height=1000, rotation=90)
    assert attach_second_readings(turned, layer[:1], info, 1000, 1400) == 1 and turned[0].second == ["Tong"]


def _line(text: str, unsure: dict[int, tuple[str, float]], with_layer: bool):
    from pipeline.model import RawLine, RawText
    n = len(text.split())
    confs, second = [95.0] * n, [None] * n
    for i, (layer_word, conf) in unsure.items():
        confs[i], second[i] = conf, layer_word
    return RawText([RawLine(text, confidences=confs, second=second if with_layer else None)])


def test_where_tesseract_garbled_a_word_the_layer_decides():
    from pipeline.restore import restore_text

    text = "Đẩy mạnh ứng dụng khoa học kỹ thuật vào sản xuất nông ngh1ệp"
    alone = restore_text(_line(text, {12: ("nghiep", 30.0)}, with_layer=False)).text
    fused = restore_text(_line(text, {12: ("nghiep", 30.0)}, with_layer=True)).text
    assert alone.endswith("ngh1ệp") and fused.endswith("nông nghiệp")


def test_a_word_tesseract_is_sure_of_is_not_asked():
    from pipeline.restore import restore_text

    text = "Đẩy mạnh ứng dụng khoa học kỹ thuật vào sản xuất nông ngh1ệp"
    # the same garbled word, but read at 95: Tesseract is not doubted, the layer not asked
    assert restore_text(_line(text, {12: ("nghiep", 95.0)}, with_layer=True)).text == text
    # and where the layer only agrees with a right reading, nothing changes
    right = "Tuyên truyền, vận động Nhân dân giữ gìn vệ sinh môi trường"
    assert restore_text(_line(right, {10: ("truong", 60.0)}, with_layer=True)).text == right
