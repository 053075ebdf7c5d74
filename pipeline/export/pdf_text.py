"""The invisible text layer of a searchable PDF: the restored words, each over its box.

Every word is drawn in text render mode 3 (neither filled nor stroked: invisible, yet selectable,
searchable and copyable) with Tesseract's GlyphLessFont (fonts/glyphless.ttf): one empty glyph
half an em wide for every character, so a word of n characters at font size s is n * s / 2
wide, and the horizontal scaling (Tz) stretches it to exactly the width of the word's box.
Characters are written as their UTF-16 code (Identity-H) and a ToUnicode map gives them back,
so copying gives the restored Vietnamese whatever the font has.

The words of one line share a baseline and a size: the line through their box centres (its
slope follows a skewed scan) and the median height of their boxes. Text extractors (pdftotext,
PDF.js) build lines from baselines and font sizes, so sharing them keeps the reading order;
each word still starts and ends at its box. A space between two words stretches over the gap,
so copied text has its spaces.

Positions are computed in pixels of the upright page frame (pipeline.model: x right, y down)
and mapped to PDF user space by one affine matrix (`to_user`), which carries the resolution
(points = px * 72 / dpi), the flip of the y axis and, for a PDF input, the page's own /Rotate
and crop box.
"""
from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from statistics import median

import numpy as np

FONT_NAME = "SohoaGlyphLess"          # resource name on the page: unlikely to meet a source PDF's own
GLYPH_ADVANCE = 0.5                   # the glyph's advance, in ems (1024 of 2048 units)
MAX_SLOPE = 0.12                      # about 7 degrees: more is a misfit, not a skew


@lru_cache(maxsize=1)
def glyphless_font_bytes() -> bytes:
    return resources.files("pipeline.export").joinpath("fonts/glyphless.ttf").read_bytes()


def to_unicode_cmap() -> bytes:
    """A ToUnicode CMap that maps every 2-byte code to the same UTF-16 code unit (the codes are
    the characters' own). A bfrange may only vary the last byte, hence 256 ranges."""
    entries = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256)]
    blocks = "".join(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange\n"
                     for chunk in (entries[i:i + 100] for i in range(0, len(entries), 100)))
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + blocks +
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def glyphless_font(pdf):
    """The Type0 font of the text layer, made once per document (an indirect object)."""
    import zlib

    from pikepdf import Array, Dictionary, Name, Stream

    font_file = Stream(pdf, glyphless_font_bytes())
    font_file.Length1 = len(glyphless_font_bytes())
    # every CID (= UTF-16 code) is drawn with glyph 1, the empty one
    cid_to_gid = Stream(pdf, zlib.compress(b"\x00\x01" * 65536, 9))
    cid_to_gid.Filter = Name.FlateDecode
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/" + FONT_NAME), Flags=5,
                            FontBBox=Array([0, 0, 500, 1000]), ItalicAngle=0, Ascent=1000, Descent=0,
                            CapHeight=1000, StemV=80, FontFile2=pdf.make_indirect(font_file))
    cid_font = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/" + FONT_NAME),
                          CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                          FontDescriptor=pdf.make_indirect(descriptor), DW=500,
                          CIDToGIDMap=pdf.make_indirect(cid_to_gid))
    cmap = Stream(pdf, zlib.compress(to_unicode_cmap(), 9))
    cmap.Filter = Name.FlateDecode
    font = Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/" + FONT_NAME),
                      Encoding=Name("/Identity-H"), DescendantFonts=Array([pdf.make_indirect(cid_font)]),
                      ToUnicode=pdf.make_indirect(cmap))
    return pdf.make_indirect(font)


def encode(text: str) -> str:
    """The word as hex 2-byte codes (UTF-16 code units; beyond the BMP, U+FFFD)."""
    return "".join(f"{ord(c):04X}" if ord(c) <= 0xFFFF else "FFFD" for c in text)


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def line_geometry(boxes, page_slope: float) -> tuple[float, float, float]:
    """(slope, intercept, size) of a line of word boxes: the centre line y = intercept + slope*x
    and the text height, all in pixels."""
    cx = np.array([(b.x0 + b.x1) / 2 for b in boxes], float)
    cy = np.array([(b.y0 + b.y1) / 2 for b in boxes], float)
    heights = [b.y1 - b.y0 for b in boxes]
    slope = page_slope
    if len(boxes) >= 3 and cx.max() - cx.min() > 4 * median(heights):
        fitted = float(np.polyfit(cx, cy, 1)[0])
        if abs(fitted) <= MAX_SLOPE:
            slope = fitted
    # a box around a skewed word is taller than the word by the skew over its width
    size = median(max((b.y1 - b.y0) - abs(slope) * (b.x1 - b.x0), 0.6 * (b.y1 - b.y0)) for b in boxes)
    intercept = float(np.mean(cy - slope * cx))
    return slope, intercept, max(size, 1.0)


def page_slope(lines) -> float:
    """The page's typical line slope (for lines too short to measure their own)."""
    slopes = []
    for boxes in lines:
        if len(boxes) >= 3:
            s, _, size = line_geometry(boxes, 0.0)
            if boxes[-1].x1 - boxes[0].x0 > 4 * size:
                slopes.append(s)
    return median(slopes) if slopes else 0.0


def text_layer(lines: list[list[tuple[str, object]]], to_user: np.ndarray) -> bytes:
    """The content stream drawing `lines` (each a list of (word, Box) in reading order, boxes in
    upright-frame pixels) invisibly; `to_user` maps those pixels to PDF user space (3x3)."""
    lin = to_user[:2, :2]
    slope0 = page_slope([[b for _, b in line] for line in lines])
    out = [f"BT\n3 Tr\n/{FONT_NAME} 1 Tf"]
    for line in lines:
        if not line:
            continue
        slope, intercept, size = line_geometry([b for _, b in line], slope0)
        theta = math.atan(slope)
        u = np.array([math.cos(theta), math.sin(theta)])          # along the baseline (y down)
        n = np.array([-math.sin(theta), math.cos(theta)])         # down, across it
        a, b = lin @ (size * u)
        c, d = lin @ (-size * n)
        starts = []
        for word, box in line:
            cx = (box.x0 + box.x1) / 2
            centre = np.array([cx, intercept + slope * cx])
            # the word's length along the baseline: its box less what the skew adds
            length = max((box.x1 - box.x0) - size * abs(math.sin(theta)), 0.5 * (box.x1 - box.x0)) / math.cos(theta)
            starts.append((word, centre - length / 2 * u + size / 2 * n, length))
        for i, (word, origin, length) in enumerate(starts):
            e, f = (to_user @ np.array([origin[0], origin[1], 1.0]))[:2]
            scale = 100 * length / (GLYPH_ADVANCE * size * len(word))
            out.append(f"{_num(a)} {_num(b)} {_num(c)} {_num(d)} {_num(e)} {_num(f)} Tm {_num(scale)} Tz "
                       f"<{encode(word)}> Tj")
            if i + 1 < len(starts):
                # the space reaches the next word's start (a token width when they touch)
                gap = float((starts[i + 1][1] - (origin + length * u)) @ u)
                out.append(f"{_num(max(100 * gap / (GLYPH_ADVANCE * size), 1.0))} Tz <0020> Tj")
    out.append("ET\n")
    return "\n".join(out).encode("ascii")
