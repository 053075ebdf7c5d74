"""Two readings of one scan: Tesseract's, and the old text layer a scanner's engine left in the PDF.

When a PDF page's text layer is old OCR without Vietnamese (pipeline.ingest.layer), the scan is
read again by Tesseract `vie`, and the layer is kept: its engine saw the same ink with other
eyes, and where Tesseract doubts (a smudged tone mark, a broken letter) the layer's `Thuc hien`
or `tnrong` still says which word it was. Each layer word is paired with the Tesseract word
its box overlaps most; a Tesseract word gets the layer's reading when exactly one layer word
sits on it and covers most of it (a layer that split or joined words there says nothing
reliable about one word). Restoration then scores each candidate against both readings
(pipeline.restore.engine: the `vie` channel for Tesseract's, the legacy `eng` channel for the
layer's).
"""
from __future__ import annotations

from ..model import Box, LayerWord, PageInfo, RawLine
from .geometry import quarter_turn

# A layer word belongs to the Tesseract word holding this share of its area; and is that
# word's second reading when it covers this share of the Tesseract word too.
MIN_SHARE_OF_LAYER_WORD = 0.5
MIN_SHARE_OF_OCR_WORD = 0.5


def _area(b: Box) -> int:
    return max(0, b.x1 - b.x0) * max(0, b.y1 - b.y0)


def _overlap(a: Box, b: Box) -> int:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0


def layer_in_frame(layer: list[LayerWord], info: PageInfo, width: int, height: int) -> list[Box]:
    """The layer's boxes in the upright frame Tesseract's words are in: the layer is in the page
    as rendered (`width` x `height`), which the OCR may have turned by quarter turns."""
    k = (info.rotation // 90) % 4
    if not k:
        return [w.box for w in layer]
    m = quarter_turn(k, width, height)
    out = []
    for w in layer:
        xs, ys = [], []
        for x, y in ((w.box.x0, w.box.y0), (w.box.x1, w.box.y1)):
            xs.append(m[0, 0] * x + m[0, 1] * y + m[0, 2])
            ys.append(m[1, 0] * x + m[1, 1] * y + m[1, 2])
        out.append(Box(int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))))
    return out


def attach_second_readings(lines: list[RawLine], layer: list[LayerWord], info: PageInfo,
                           width: int, height: int) -> int:
    """Give each OCR word of `lines` (one page) the layer word that reads the same ink, in
    place (RawLine.second); returns how many words got one."""
    slots = [(li, wi, box) for li, line in enumerate(lines) for wi, box in enumerate(line.boxes or [])
             if box is not None]
    if not slots or not layer:
        return 0
    layer_boxes = layer_in_frame(layer, info, width, height)
    claimed: dict[tuple[int, int], list[int]] = {}
    # a grid of the OCR words by rows of 64 px, so that each layer word looks at its neighbours only
    rows: dict[int, list[int]] = {}
    for k, (_li, _wi, box) in enumerate(slots):
        for r in range(box.y0 // 64, box.y1 // 64 + 1):
            rows.setdefault(r, []).append(k)
    for j, lb in enumerate(layer_boxes):
        area = _area(lb)
        if not area:
            continue
        near = {k for r in range(lb.y0 // 64, lb.y1 // 64 + 1) for k in rows.get(r, ())}
        best, best_overlap = None, 0
        for k in near:
            ov = _overlap(lb, slots[k][2])
            if ov > best_overlap:
                best, best_overlap = k, ov
        if best is not None and best_overlap >= MIN_SHARE_OF_LAYER_WORD * area:
            claimed.setdefault(slots[best][:2], []).append(j)
    attached = 0
    for (li, wi), js in claimed.items():
        box = lines[li].boxes[wi]
        if len(js) != 1 or _overlap(layer_boxes[js[0]], box) < MIN_SHARE_OF_OCR_WORD * max(1, _area(box)):
            continue
        line = lines[li]
        if line.second is None:
            line.second = [None] * len(line.boxes)
        line.second[wi] = layer[js[0]].text
        attached += 1
    return attached
