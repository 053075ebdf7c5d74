"""ocr without Tesseract: page measurements (orientation, skew, text size), background
flattening, colour to gray, and the word/line/confidence bookkeeping."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import OcrFailedError
from pipeline.ocr import preprocess, words_to_lines
from pipeline.ocr.tesseract import OcrWord, parse_tsv
from tests.scanpages import PLAN_A, render, scanned, turned

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synth_scan  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
LONG_TEXT = (DATA / "hung-thinh-2026.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def a4_page():
    """A full A4 page of our own plan text at 300 dpi, with office-scan blur and noise, no skew."""
    page = synth_scan.render_pages(LONG_TEXT.split("\n"))[0]
    return synth_scan.degrade(page, synth_scan.PROFILES["office"] | {"skew": 0.0, "scale": 1.0, "jpeg": 0},
                              random.Random(7))


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.0, 0.7, 2.3, 3.5])
def test_skew_is_measured_within_a_fifth_of_a_degree(a4_page, angle):
    layout = preprocess.measure(scanned(a4_page, angle=angle, blur=0, noise=0))
    # measure() gives the counter-clockwise rotation that undoes the skew.
    assert layout.skew == pytest.approx(-angle, abs=0.2)


@pytest.mark.parametrize("ccw", [0, 90, 180, 270])
def test_orientation_of_a_full_page_comes_from_the_diacritics(a4_page, ccw):
    layout = preprocess.measure(turned(a4_page, ccw))
    assert layout.has_lines
    assert layout.rotate == ccw          # turning clockwise by as much undoes it


def test_prepare_turns_and_deskews_a_sideways_skewed_page(a4_page):
    page = turned(scanned(a4_page, angle=2.0, blur=0, noise=0), 270)
    prep = preprocess.prepare(page)
    assert prep.turned == 270 and prep.orientation_sure
    assert prep.skew == pytest.approx(-2.0, abs=0.2)
    assert prep.image.shape == a4_page.shape
    again = preprocess.measure(prep.image)
    assert again.rotate == 0 and abs(again.skew) <= 0.15


def test_text_size_is_measured(a4_page):
    import cv2
    full = preprocess.measure(a4_page).letter_height
    half = preprocess.measure(cv2.resize(a4_page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)).letter_height
    assert 30 < full < 50                 # 13.5 pt at 300 dpi
    assert half == pytest.approx(full / 2, rel=0.15)


def test_large_text_is_reduced_and_small_text_left_alone(a4_page):
    import cv2
    big = cv2.resize(a4_page, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)       # a 600 dpi scan
    prep = preprocess.prepare(big, dpi=600)
    assert prep.scale < 0.75 and prep.dpi == round(600 * prep.scale)
    small = cv2.resize(a4_page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # 150 dpi
    assert preprocess.prepare(small, dpi=150).image.shape == small.shape


def test_blank_and_noise_pages_are_left_alone_and_come_out_white():
    rng = np.random.default_rng(3)
    noise = np.clip(rng.normal(245, 6, (1200, 900)), 0, 255).astype(np.uint8)
    prep = preprocess.prepare(noise)
    assert not prep.layout.has_lines
    assert prep.turned == 0 and prep.skew == 0 and prep.scale == 1
    assert prep.image.min() == 255         # Tesseract then returns at once instead of reading specks


def test_flatten_removes_a_binding_shadow_but_keeps_the_ink():
    page = render(PLAN_A)
    h, w = page.shape
    shade = 1 - 0.8 * np.exp(-np.arange(w, dtype=np.float32) / (0.15 * w))     # dark at the left edge
    shadowed = (page.astype(np.float32) * shade[None, :]).astype(np.uint8)
    assert shadowed[:, :40].mean() < 80
    flat = preprocess.flatten(shadowed)
    paper = page == 255
    assert np.percentile(flat[paper], 5) > 200          # paper is light everywhere, shadow included
    assert np.median(flat[page < 60]) < 90               # the text stays dark


def test_colour_to_gray_fades_red_stamps_and_blue_ink_but_not_black_text():
    bgr = np.full((10, 4, 3), 255, np.uint8)
    bgr[:, 0] = (0, 0, 0)              # black text
    bgr[:, 1] = (40, 40, 200)          # red stamp (BGR)
    bgr[:, 2] = (150, 60, 20)          # blue signature
    bgr[:, 3] = (200, 230, 240)        # yellowed paper
    gray = preprocess.to_gray(bgr)
    assert gray.shape == (10, 4) and gray.dtype == np.uint8
    assert gray[0, 0] == 0 and gray[0, 1] >= 150 and gray[0, 2] >= 150 and gray[0, 3] >= 230
    assert preprocess.to_gray(bgr, "luma")[0, 1] < 100    # what plain luminance would leave


def test_sauvola_binarises():
    page = scanned(render(PLAN_A), noise=6)
    out = preprocess.sauvola(page, window=41)
    assert set(np.unique(out)) <= {0, 255}
    assert (out[page < 60] == 0).mean() > 0.9 and (out[page > 240] == 255).mean() > 0.95


def word(text, conf, block=1, par=1, line=1):
    return OcrWord(text, conf, block, par, line, 0, 0, 10, 10)


def test_words_become_lines_with_one_confidence_per_word_and_blank_lines_between_paragraphs():
    words = [word("Kế", 91), word("hoạch", 88), word("số", 70, line=2), word("12", 96, line=2),
             word("Căn", 60, par=2), word("cứ", 55, par=2)]
    lines = words_to_lines(words, page_number=3)
    assert [l.text for l in lines] == ["Kế hoạch", "số 12", "", "Căn cứ"]
    assert [l.confidences for l in lines] == [[91, 88], [70, 96], [], [60, 55]]
    assert all(l.page == 3 for l in lines)
    for line in lines:
        assert len(line.text.split()) == len(line.confidences)


def test_words_are_nfc():
    import unicodedata
    lines = words_to_lines([word(unicodedata.normalize("NFD", "Nghị"), 90)], 1)
    assert lines[0].text == "Nghị" and unicodedata.is_normalized("NFC", lines[0].text)


TSV_HEAD = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def test_tsv_words_with_inner_spaces_are_split_keeping_text_and_confidences_in_step():
    tsv = TSV_HEAD + "\n".join([
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t93.5\tUBND",
        "5\t1\t1\t1\t1\t2\t70\t10\t80\t20\t61.25\txã Hưng",     # a word holding a space
        "5\t1\t1\t1\t1\t3\t160\t10\t5\t20\t40\t ",                # an empty word
        "5\t1\t1\t1\t2\t1\t10\t40\t50\t20\t-1\tThịnh",
    ])
    words = parse_tsv(tsv)
    assert [w.text for w in words] == ["UBND", "xã", "Hưng", "Thịnh"]
    assert [w.conf for w in words] == [93.5, 61.25, 61.25, 0.0]
    lines = words_to_lines(words, 1)
    assert [len(l.text.split()) for l in lines] == [len(l.confidences) for l in lines] == [3, 1]


def test_output_that_is_not_a_word_table_is_an_ocr_failure():
    with pytest.raises(OcrFailedError) as info:
        parse_tsv("Segmentation fault\n", source="scan.tif", page=4)
    assert "scan.tif" in str(info.value) and "page 4" in str(info.value)


def test_scanner_streaks_are_erased_but_aligned_letters_are_not(a4_page):
    assert preprocess.remove_streaks(a4_page)[1] == 0       # left-aligned lines are not a streak
    streaked = a4_page.copy()
    streaked[:, 371:373] = 90                                # dirt on the glass, through the first letters
    cleaned, erased = preprocess.remove_streaks(streaked)
    assert 2 <= erased <= 6
    paper_rows = a4_page[:, 360:385].min(axis=1) > 200       # rows where no letter crosses the streak
    assert cleaned[paper_rows, 371:373].min() > 200
    letter_rows = a4_page[:, 371:373].max(axis=1) < 80       # rows where a letter stroke crosses it
    assert cleaned[letter_rows, 371:373].mean() < 128
