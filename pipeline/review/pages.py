"""Page images for the review, rendered again from the source file (which is only ever read).

The words' boxes are in each page's upright frame (pipeline.model.PageInfo): the page as read,
turned by `rotation` degrees clockwise. So an image page is opened as ingest opens it (the frame
of a multi-page TIFF, its EXIF orientation applied), a PDF page is rendered at the page's dpi
with PDFium (its /Rotate applied, as ingest does), and either is turned by `rotation`. Colour is
kept (a reviewer wants to see the stamp); the image is scaled to at most MAX_WIDTH pixels wide,
since the page draws the boxes in fractions of the frame, not in the image's pixels.

A source that is gone, or whose content is no longer what was processed (sha256), gives no image:
the review then shows the text alone.
"""
from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from pathlib import Path

MAX_WIDTH = 1700
CACHE_PAGES = 24


class PageUnavailable(Exception):
    """No image for this page (the reason is the message)."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def render_page(source: Path, kind: str, info):
    """The page `info.number` of `source` in its upright frame, as a Pillow image."""
    from PIL import Image
    if kind == "image":
        from ..ingest.image import upright
        with Image.open(source) as img:
            img.seek(info.number - 1)
            img.load()
            page = upright(img.copy())
    elif kind == "pdf":
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(str(source))
        try:
            scale = (info.dpi or 72) / 72
            page = pdf[info.number - 1].render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil()
        finally:
            pdf.close()
    else:
        raise PageUnavailable("a text input has no page image")
    if page.mode not in ("RGB", "L"):
        page = page.convert("RGB")
    if info.rotation % 360:
        page = page.rotate(-(info.rotation % 360), expand=True)     # PIL turns counter-clockwise
    if page.width > MAX_WIDTH:
        page = page.resize((MAX_WIDTH, round(page.height * MAX_WIDTH / page.width)), Image.LANCZOS)
    return page


class PageImages:
    """PNG bytes of document pages, checked against the sha256 that was processed, with a small
    cache (a reviewer goes back and forth between a few pages)."""

    def __init__(self):
        self._cache: OrderedDict = OrderedDict()
        self._verified: dict[tuple, bool] = {}
        self._lock = threading.Lock()

    def png(self, source: Path, sha256: str, kind: str, info) -> bytes:
        if kind not in ("image", "pdf") or info is None or info.read == "text":
            raise PageUnavailable("a text input has no page image")
        try:
            st = source.stat()
        except OSError:
            raise PageUnavailable(f"the source file is not there any more ({source.name})") from None
        version = (str(source), st.st_mtime_ns, st.st_size)
        if version not in self._verified:
            self._verified[version] = sha256_file(source) == sha256
        if not self._verified[version]:
            raise PageUnavailable(f"the source file changed since it was processed ({source.name})")
        key = (*version, info.number)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            image = render_page(source, kind, info)
        except PageUnavailable:
            raise
        except Exception as e:   # noqa: BLE001 (a source Pillow or PDFium cannot read: no image, not a crash)
            raise PageUnavailable(f"the page cannot be rendered ({type(e).__name__})") from None
        buf = io.BytesIO()
        image.save(buf, "PNG", optimize=False, compress_level=3)
        data = buf.getvalue()
        with self._lock:
            self._cache[key] = data
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        return data
