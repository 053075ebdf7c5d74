"""Rendered documents with a Decree 30 header block and signature block, for the header tests.

Every name, number and sentence here is invented for the tests (fictional communes, districts
and people); nothing is taken from a real document. A document is drawn as a 200 dpi scan would
show it, with the fonts the Makefile installs (Liberation Serif, DejaVu):

    left column (centred at 24 % of the text)    right column (centred at 71 %)
    UBND HUYỆN ...                               CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM     <- one baseline
    ỦY BAN NHÂN DÂN XÃ ... (bold)                Độc lập - Tự do - Hạnh phúc           <- one baseline
    Số: 15/KH-UBND                               Place, ngày 10 tháng 01 năm 2025      <- one baseline
    V/v ... (a công văn)
                               KẾ HOẠCH (the type, bold, centred)
                               title lines
    body lines ...
    Nơi nhận:                                    KT. CHỦ TỊCH
    - ...;                                       PHÓ CHỦ TỊCH
                                                 (signature space)
                                                 Name

so Tesseract reads the columns that share a baseline as one line, as it does on real scans.
The number may be written "by hand" (another face, slanted, in dark ink: legible) or in a blue
ink that ingest fades to paper as it fades stamps and signatures (illegible: the printed part
must be kept and the number marked unsure).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from tests.scanpages import font_file

DPI = 200
WIDTH = 1654                  # A4 at 200 dpi
LEFT, RIGHT = 236, 1536       # 30 mm and 15 mm margins
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PARTY_MOTTO = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass
class HeaderDoc:
    issuer: str
    number: str                       # "15/KH-UBND" as printed (the digits may be handwritten)
    place: str
    date: tuple[int, int, int]        # day, month, year
    summary: str                      # the title under the type word, or the V/v text
    signer: str
    signer_title: str
    doc_type: str | None = None       # None: a công văn (V/v under the number)
    issuer_parent: str | None = None
    authority: list[str] = field(default_factory=list)     # ["KT. CHỦ TỊCH"]
    recipients: list[str] = field(default_factory=lambda: ["Như trên", "Lưu: VT"])
    party: bool = False               # a Party document: "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 42-KH/ĐU"
    hand: str | None = None           # "dark": digits of the number written by hand, legible;
                                      # "faded": in a blue that ingest turns to paper
    rank: str | None = None           # "Đại tá" before the signer's name
    body: list[str] = field(default_factory=lambda: [
        "Thực hiện chương trình công tác năm của Ủy ban nhân dân huyện Đồng Xuân, Ủy ban",
        "nhân dân xã Tân Phong triển khai các nội dung dưới đây đến các thôn, xóm và cơ quan.",
    ])


@lru_cache(maxsize=16)
def _font(style: str, px: int):
    from PIL import ImageFont
    family = {"regular": "Liberation Serif", "bold": "Liberation Serif:bold", "italic": "Liberation Serif:italic",
              "hand": "DejaVu Sans:oblique"}[style]
    return ImageFont.truetype(font_file(family), px)


class _Page:
    """A page being drawn, which remembers every word it draws and its box (the words of an
    exact reading, for the tests that need no OCR)."""

    def __init__(self, height: int):
        from PIL import Image, ImageDraw
        self.image = Image.new("RGB", (WIDTH, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.words: list[tuple[str, tuple[int, int, int, int], int]] = []   # text, box, baseline row

    def text(self, xy, text: str, font, fill=0) -> None:
        x, y = xy
        self.draw.text((x, y), text, font=font, fill=fill)
        if fill not in (0, (40, 40, 70)):
            return                      # a faded ink: no reading would see it
        pos = x
        for word in text.split(" "):
            if word:
                box = self.draw.textbbox((pos, y), word, font=font)
                self.words.append((word, tuple(int(v) for v in box), int(y)))
            pos += self.draw.textlength(word + " ", font=font)

    def textlength(self, text: str, font) -> float:
        return self.draw.textlength(text, font=font)

    def line(self, *args, **kw) -> None:
        self.draw.line(*args, **kw)


def _pt(points: float) -> int:
    return round(points * DPI / 72)


def _centred(draw: _Page, text: str, centre: float, y: int, style: str, points: float, fill=0) -> tuple[int, int]:
    font = _font(style, _pt(points))
    width = draw.textlength(text, font=font)
    x = int(centre - width / 2)
    draw.text((x, y), text, font=font, fill=fill)
    return x, int(x + width)


def _rule(draw: _Page, centre: float, y: int, length: int) -> None:
    draw.line([(int(centre - length / 2), y), (int(centre + length / 2), y)], fill=0, width=2)


def _number_line(draw: _Page, doc: HeaderDoc, centre: float, y: int) -> None:
    """'Số: 15/KH-UBND', the digits printed or written by hand."""
    label = "Số " if doc.party else "Số: "
    digits, sep, notation = _split_number(doc.number)
    font = _font("regular", _pt(13))
    if doc.hand is None:
        _centred(draw, label + doc.number, centre, y, "regular", 13)
        return
    hand = _font("hand", _pt(15))
    total = draw.textlength(label, font=font) + draw.textlength(digits + " ", font=hand) + \
        draw.textlength(sep + notation, font=font)
    x = centre - total / 2
    draw.text((x, y), label, font=font, fill=0)
    x += draw.textlength(label, font=font)
    ink = (40, 40, 70) if doc.hand == "dark" else (30, 60, 220)
    draw.text((x, y - 6), digits, font=hand, fill=ink)
    x += draw.textlength(digits + " ", font=hand)
    draw.text((x, y), sep + notation, font=font, fill=0)


def _split_number(number: str) -> tuple[str, str, str]:
    import re
    m = re.match(r"(\d+)([/-])(.*)", number)
    return m.group(1), m.group(2), m.group(3)


def _wrap(draw: _Page, text: str, style: str, points: float, width: float) -> list[str]:
    font = _font(style, _pt(points))
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and draw.textlength(trial, font=font) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + [cur] if cur else lines


def render(doc: HeaderDoc) -> list[np.ndarray]:
    """Two pages (RGB uint8): the header, title and the first lines of the body; the end of the
    body, Nơi nhận and the signature."""
    return [np.asarray(p.image).copy() for p in _draw(doc)]


def _draw(doc: HeaderDoc) -> list[_Page]:
    text_w = RIGHT - LEFT
    lc, rc = LEFT + 0.24 * text_w, LEFT + 0.71 * text_w
    pitch = _pt(13) + 16
    draw = first = _Page(1100)
    y = 110
    # row 1: the parent body | the motto (or the Party's name)
    if doc.party:
        _centred(draw, PARTY_MOTTO, rc, y, "bold", 14)
    else:
        _centred(draw, MOTTO[0], rc, y, "bold", 12)
    if doc.issuer_parent:
        _centred(draw, doc.issuer_parent, lc, y, "regular", 12)
        y += pitch
    # row 2: the issuer (bold) | "Độc lập - Tự do - Hạnh phúc"
    issuer_rows = _wrap(draw, doc.issuer, "bold", 12, 0.40 * text_w)
    if not doc.party:
        _centred(draw, MOTTO[1], rc, y if doc.issuer_parent else y + pitch, "bold", 13)
    for k, part in enumerate(issuer_rows):
        _centred(draw, part, lc, y, "bold", 12)
        y += pitch
    _rule(draw, lc, y + 2, 140) if not doc.party else _centred(draw, "*", lc, y - 4, "regular", 13)
    y = max(y, 110 + 2 * pitch) + 22
    # row 3: the number | place and date
    d, m, yr = doc.date
    month = f"{m:02d}" if m < 3 else str(m)
    _centred(draw, f"{doc.place}, ngày {d:02d} tháng {month} năm {yr}", rc, y, "italic", 14)
    _number_line(draw, doc, lc, y)
    y += pitch + 6
    if doc.doc_type is None:            # a công văn: V/v under the number
        rows = _wrap(draw, "V/v " + doc.summary, "regular", 12, 0.42 * text_w)
        for part in rows:
            _centred(draw, part, lc, y, "regular", 12)
            y += _pt(12) + 10
        y += 40
        _centred(draw, "Kính gửi: Ủy ban nhân dân các xã, thị trấn.", (LEFT + RIGHT) / 2, y, "regular", 14)
        y += pitch + 20
    else:
        y += 40
        _centred(draw, doc.doc_type, (LEFT + RIGHT) / 2, y, "bold", 14)
        y += pitch
        for part in _wrap(draw, doc.summary, "bold", 14, 0.75 * text_w):
            _centred(draw, part, (LEFT + RIGHT) / 2, y, "bold", 14)
            y += pitch
        y += 30
    font = _font("regular", _pt(14))
    for line in doc.body:
        draw.text((LEFT, y), line, font=font, fill=0)
        y += pitch + 4
    first.image = first.image.crop((0, 0, WIDTH, min(1100, y + 80)))

    draw = second = _Page(1000)
    y = 100
    draw.text((LEFT, y), "Đề nghị các cơ quan, đơn vị trên địa bàn huyện Đồng Xuân thực hiện./.", font=font, fill=0)
    y += pitch + 40
    top = y
    small = _font("regular", _pt(11))
    draw.text((LEFT, y), "Nơi nhận:", font=_font("bold", _pt(12)), fill=0)
    for item in doc.recipients:
        y += _pt(11) + 10
        draw.text((LEFT, y), f"- {item};" if item != doc.recipients[-1] else f"- {item}.", font=small, fill=0)
    y = top
    for line in doc.authority + [doc.signer_title]:
        _centred(draw, line, rc, y, "bold", 14)
        y += pitch
    y += 170                              # where the signature and the seal go
    name = f"{doc.rank} {doc.signer}" if doc.rank else doc.signer
    _centred(draw, name, rc, y, "bold", 14)
    second.image = second.image.crop((0, 0, WIDTH, y + 120))
    return [first, second]


def save_document(doc: HeaderDoc, path) -> None:
    """The document as a multi-page TIFF at 200 dpi."""
    from PIL import Image
    pages = [Image.fromarray(p) for p in render(doc)]
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(DPI, DPI), compression="tiff_deflate")


def exact_reading(doc: HeaderDoc):
    """The document as a perfect OCR would give it, with every word's box: words drawn on one
    baseline make one line (the two columns together, as Tesseract reads them). A RestoredText
    for parse_plan, with no OCR run."""
    from pipeline.model import Box, PageInfo, RestoredLine, RestoredText
    lines, pages = [], []
    for number, page in enumerate(_draw(doc), 1):
        pages.append(PageInfo(number=number, read="ocr", width=page.image.width, height=page.image.height, dpi=DPI))
        rows: dict[int, list] = {}
        for text, box, baseline in page.words:
            key = next((k for k in rows if abs(k - baseline) <= 8), baseline)
            rows.setdefault(key, []).append((text, box))
        for key in sorted(rows):
            words = sorted(rows[key], key=lambda w: w[1][0])
            text = " ".join(w for w, _ in words)
            lines.append(RestoredLine(text=text, original=text, page=number, boxes=[Box(*b) for _, b in words]))
    return RestoredText(lines=lines, condition="vietnamese", pages=pages)
