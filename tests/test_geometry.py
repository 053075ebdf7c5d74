"""Every word keeps its place on the page: from Tesseract and from PDF text layers, through
preprocessing (rescale, quarter turns, deskew) and restoration, to RestoredText.words()."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.model import Box, RawLine, RawText, RestoredText
from pipeline.ocr import preprocess
from pipeline.ocr.geometry import ReadFrame, quarter_turn
from tests.conftest import text_pdf
from tests.scanpages import PLAN_A, PLAN_B, PLAN_C, font_file, scanned, turned

# ------------------------------------------------------------------ the frame, without Tesseract


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(image < 128)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_read_frame_maps_a_mark_back_through_every_preprocessing_step():
    """A black rectangle is rescaled, turned, rotated and turned again as preprocessing does;
    found in the image as read, it maps back to where it is on the upright page."""
    page = np.full((1200, 900), 255, np.uint8)
    page[300:340, 200:420] = 0
    import cv2

    frame = ReadFrame(900, 1200)
    img = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    frame.resize_to(img.shape[1], img.shape[0])
    img = preprocess.turn(img, 90)
    frame.turn(90)
    frame.rotate(preprocess.small_rotation(img.shape[1], img.shape[0], 2.0))
    img = preprocess.rotate_small_angle(img, 2.0)
    img = preprocess.turn(img, 180)
    frame.turn(180)

    x0, y0, x1, y1 = ink_box(img)
    (box,) = frame.boxes([(x0, y0, x1 - x0, y1 - y0)])
    # the upright frame is the page turned by the two quarter turns (270 clockwise in all)
    assert frame.rotation == 270 and frame.upright_size == (1200, 900)
    m = quarter_turn(3, 900, 1200)
    corners = np.array([[200, 300, 1], [420, 300, 1], [200, 340, 1], [420, 340, 1]], float) @ m.T
    want = Box(int(corners[:, 0].min()), int(corners[:, 1].min()), int(corners[:, 0].max()), int(corners[:, 1].max()))
    # the 2 degree rotation widens a box around a rotated mark by about 8 px each way
    for got, expected in zip(box.as_list(), want.as_list()):
        assert abs(got - expected) <= 12, (box, want)


def test_box_parts_and_unions():
    b = Box(100, 10, 200, 30)
    assert b.part(0, 5, 10) == Box(100, 10, 150, 30)
    assert b.part(5, 10, 10) == Box(150, 10, 200, 30)
    assert b.part(0, 10, 10) == b
    assert b.union(Box(90, 20, 150, 40)) == Box(90, 10, 200, 40)


# ------------------------------------------------------------------ a rendered page, real Tesseract

LINES = PLAN_A + PLAN_B + PLAN_C + PLAN_A + PLAN_B
TARGET_LINE, TARGET_WORD = 4, "7.400"        # "1. Tổng đàn lợn đạt 7.400 con, ..."


@pytest.fixture(scope="module")
def known_page():
    """A page of our plan text at 300 dpi and the box of one word on it, from the font."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file(), 46)
    margin, pitch = 150, 70
    img = Image.new("L", (2480, 2 * margin + pitch * len(LINES)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(LINES):
        draw.text((margin, margin + i * pitch), line, font=font, fill=0)
    line = LINES[TARGET_LINE]
    x = margin + draw.textlength(line[: line.index(TARGET_WORD)], font=font)
    want = draw.textbbox((x, margin + TARGET_LINE * pitch), TARGET_WORD, font=font)
    return np.asarray(img).copy(), Box(*(int(round(v)) for v in want))


def find_word(restored: RestoredText, text: str, line_hint: str):
    return next(w for w in restored.words() if w.text.rstrip(",.") == text
                and line_hint in restored.lines[w.line].text)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["upright", "skewed", "sideways"])
def test_a_known_word_is_found_at_its_place(known_page, how):
    from pipeline.model import Document, Page
    from pipeline.ocr import recognise
    from pipeline.restore import restore_text

    page, want = known_page
    image = {"upright": page, "skewed": scanned(page, angle=2.0, noise=0, blur=0),
             "sideways": turned(page, 90)}[how]
    doc = Document(path="known.png", kind="image", sha256="0" * 64, pages=[Page(1, image=image, dpi=300)])
    restored = restore_text(recognise(doc))
    info = restored.pages[0]
    assert info.read == "ocr" and info.dpi == 300
    word = find_word(restored, TARGET_WORD, "Tổng đàn")
    if how == "sideways":
        # turned a quarter counter-clockwise, it was read turned back a quarter clockwise: the
        # frame is the upright page, as drawn
        assert info.rotation == 90 and (info.width, info.height) == (page.shape[1], page.shape[0])
    else:
        assert info.rotation == 0 and (info.width, info.height) == (image.shape[1], image.shape[0])
    if how == "skewed":
        # the frame is the page as scanned: the word's box turned by the skew about the centre
        m = preprocess.small_rotation(page.shape[1], page.shape[0], 2.0)
        pts = np.array([[want.x0, want.y0, 1], [want.x1, want.y0, 1], [want.x0, want.y1, 1], [want.x1, want.y1, 1]]) @ m.T
        want = Box(int(pts[:, 0].min()), int(pts[:, 1].min()), int(pts[:, 0].max()), int(pts[:, 1].max()))
    tolerance = 14 if how == "skewed" else 6
    for got, expected in zip(word.box.as_list(), want.as_list()):
        assert abs(got - expected) <= tolerance, (how, word.box, want)
    # every word has a box inside the page, and boxes follow the lines down the page
    words = [w for w in restored.words() if w.page == 1]
    assert words and all(w.box is not None and 0 <= w.box.x0 < w.box.x1 <= info.width
                         and 0 <= w.box.y0 < w.box.y1 <= info.height for w in words)
    tops = [restored.lines[w.line].boxes[0].y0 for w in words if w.index == 0]
    assert tops == sorted(tops) or how == "skewed"


# ------------------------------------------------------------------ PDF text layers


def test_pdf_text_layer_words_keep_their_boxes(tmp_path):
    """Helvetica 12 pt at x = 72 pt, first baseline 760 pt up a 792 pt page: at the page's
    300 dpi frame the first word starts at x = 300 px, its top about 23-32 pt down."""
    from pipeline.ingest import load_document
    from pipeline.ocr import recognise

    path = tmp_path / "layer.pdf"
    path.write_bytes(text_pdf(["KE HOACH nam 2025", "I. MUC DICH, YEU CAU", "1. Muc dich",
                               "Phat trien san xuat nong nghiep ben vung"]))
    raw = recognise(load_document(path))
    assert raw.pages[0].read == "layer" and (raw.pages[0].width, raw.pages[0].height) == (2550, 3300)
    first = raw.lines[0]
    assert first.text == "KE HOACH nam 2025" and len(first.boxes) == 4
    box = first.boxes[0]
    assert abs(box.x0 - 300) <= 3 and 85 <= box.y0 <= 135 and box.y1 <= 150
    # words run left to right on a line, lines 14 pt (58 px) apart
    assert [b.x0 for b in first.boxes] == sorted(b.x0 for b in first.boxes)
    assert abs((raw.lines[1].boxes[0].y0 - box.y0) - 58) <= 4


# ------------------------------------------------------------------ restoration keeps the boxes


def boxed_line(text: str, y: int = 100) -> RawLine:
    words = text.split()
    boxes, x = [], 50
    for w in words:
        boxes.append(Box(x, y, x + 20 * len(w), y + 40))
        x += 20 * len(w) + 15
    return RawLine(text=text, page=1, confidences=[90.0] * len(words), boxes=boxes, block=3)


def test_restoration_keeps_every_words_box_and_splits_a_chain():
    from pipeline.restore import restore_text

    raw = RawText(lines=[boxed_line("Gia tri san xuat dat 120 triéu déng/ngudi/nam, tang 5%."),
                         boxed_line("Phat dong cac phong trao thi dua", 160)])
    restored = restore_text(raw)
    assert "triệu đồng/người/năm" in restored.lines[0].text
    for raw_line, line in zip(raw.lines, restored.lines):
        assert len(line.text.split()) == len(raw_line.text.split())
        assert line.boxes == raw_line.boxes and line.block == 3
    words = list(restored.words())
    assert [w.box for w in words] == [b for l in raw.lines for b in l.boxes]
    chain = next(w for w in words if w.text.startswith("đồng/"))
    parts = [t.box for t in chain.tokens]
    assert len(parts) == 3 and parts[0].x0 == chain.box.x0 and parts[-1].x1 <= chain.box.x1
    assert all(a.x1 <= b.x0 for a, b in zip(parts, parts[1:]))
    assert chain.original == "déng/ngudi/nam,"


def test_restored_words_carry_alternatives_and_round_trip():
    from pipeline.restore import restore_text

    raw = RawText(lines=[boxed_line("Phat trien san xuat nong nghiep, tang thu nhap cho nguoi dan"),
                         boxed_line("nudc sach cho nguoi dan t6 chirc", 160)])
    restored = restore_text(raw)
    with_alts = [t for t in restored.tokens if t.alternatives]
    assert with_alts, "restoring unmarked text offers runners-up somewhere"
    for t in with_alts:
        assert all(a != t.text for a, _ in t.alternatives)
        assert all(0 < p <= 1 - t.confidence + 1e-6 for _, p in t.alternatives)
    again = RestoredText.from_dict(restored.to_dict())
    assert again == restored


@pytest.mark.slow
def test_the_plan_says_what_was_read_on_each_page(tmp_path):
    from pipeline.api import process
    from tests.conftest import SCAN_SAMPLE

    plan = process(SCAN_SAMPLE, outdir=None)
    (page,) = plan.source.reading
    from PIL import Image
    w, h = Image.open(SCAN_SAMPLE).size
    assert page["read"] == "ocr" and (page["width"], page["height"]) == (w, h) and page["rotation"] == 0
    path = tmp_path / "plan.txt"
    path.write_text("Kế hoạch năm 2025\n", encoding="utf-8")
    assert process(path, outdir=None).source.reading == [
        {"page": 1, "read": "text", "why": None, "width": None, "height": None, "dpi": None, "rotation": 0}]
