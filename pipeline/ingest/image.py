"""Images: PNG, JPEG, TIFF (every frame of a multi-page TIFF is a page of one document).

Pages come out as 8-bit grayscale numpy arrays whatever the file holds: palette, RGB, CMYK,
alpha (composited on white), 16-bit and 32-bit (stretched to 8 bits), bilevel. Colour becomes
gray by each pixel's brightest channel, not by luminance, and strongly coloured pixels become
paper (colour_to_gray): black text stays black while red stamps, blue signatures and yellowed
paper fade (on stamped pages this removes most of Tesseract's errors, README "Scans"). The EXIF orientation of a JPEG is
applied. The DPI of the file's metadata is kept when it gives one.

Pillow's decompression-bomb guard is made an error with our own limit, checked from the
header before any pixel is decoded; a document whose pages add up to more than
MAX_DOCUMENT_PIXELS is refused too, so a crafted TIFF of thousands of frames cannot exhaust memory.
"""
from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

from ..errors import CorruptImageError, ImageTooLargeError
from ..model import Page

# An A3 page at 600 dpi is 7016 x 9921 = 70 Mpx; anything much larger is not a page.
MAX_PAGE_PIXELS = 80_000_000
# About 340 A4 pages at 300 dpi (3 GB of gray pixels): far more than any plan.
MAX_DOCUMENT_PIXELS = 3_000_000_000
TOO_LARGE_HINT = "scan at 300 dpi, or split the image into pages"

_WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I;16S", "I", "F")


# Chroma (brightest minus darkest channel) from which a pixel counts as coloured ink, and from
# which it is wholly paper; black text, gray edges and tinted paper stay well below.
CHROMA_FROM, CHROMA_FULL = 40, 90


def colour_to_gray(rgb):
    """An (h, w, 3) uint8 colour page as (h, w) uint8 gray for OCR: each pixel's brightest
    channel, so that red stamps, blue signatures and yellowed paper turn light while black text
    stays black; and strongly coloured pixels (the stamp's ring and lettering, JPEG's colour
    fringes around them) are whitened outright. Black text under a stamp is dark in every
    channel, so it stays. Channel order does not matter."""
    import numpy as np
    try:
        import cv2
    except ImportError:                       # opencv is a dependency; numpy is the fallback
        mx, mn = rgb.max(axis=2).astype(np.int16), rgb.min(axis=2).astype(np.int16)
        w = np.clip((mx - mn - CHROMA_FROM) / (CHROMA_FULL - CHROMA_FROM), 0, 1)
        return (mx + (255 - mx) * w).astype(np.uint8)
    # HSV in one fast pass: V is the brightest channel, S * V / 255 the chroma.
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_BGR2HSV)
    mx = np.ascontiguousarray(hsv[..., 2])
    chroma = cv2.multiply(np.ascontiguousarray(hsv[..., 1]), mx, scale=1 / 255)
    ramp = np.clip((np.arange(256) - CHROMA_FROM) * 255.0 / (CHROMA_FULL - CHROMA_FROM), 0, 255).astype(np.uint8)
    weight = cv2.LUT(chroma, ramp)
    return cv2.add(mx, cv2.multiply(cv2.subtract(255, mx), weight, scale=1 / 255))


def stretch_to_8bit(a):
    """A 16-bit, 32-bit or float array to uint8, stretching the range the page really uses
    (12-bit scanners write 0-4095 into 16-bit files); the extreme 0.01 % are ignored so
    that a few hot pixels cannot squash the rest."""
    import numpy as np

    a = np.asarray(a, dtype=np.float32)
    sample = a[::4, ::4]
    lo, hi = (float(v) for v in np.percentile(sample, [0.01, 99.99]))
    if hi <= lo:
        return np.full(a.shape, 255 if hi > 0 else 0, np.uint8)
    return np.clip((a - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def to_gray_array(img):
    """A Pillow image of any mode as an 8-bit grayscale numpy array."""
    import numpy as np
    from PIL import Image

    if img.mode in _WIDE_MODES:
        return stretch_to_8bit(img)
    if img.mode == "1":
        img = img.convert("L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img.convert("RGBA")).convert("RGB")
    if img.mode == "L":
        return np.asarray(img, dtype=np.uint8).copy()
    if img.mode != "RGB":                     # CMYK, YCbCr, LAB, HSV ...
        img = img.convert("RGB")
    return colour_to_gray(np.asarray(img, dtype=np.uint8))


def dpi_of(img) -> int | None:
    dpi = img.info.get("dpi")
    try:
        x = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    return int(round(x)) if 30 <= x <= 2400 else None


def upright(img):
    """Apply a JPEG's or TIFF's EXIF orientation, as viewers do."""
    from PIL import ImageOps
    try:
        return ImageOps.exif_transpose(img)
    except Exception:                         # a broken EXIF block is not worth failing the page
        return img


def image_pages(data: bytes, path: Path, *, max_pixels: int | None = None,
                page_range: tuple[int, int] | None = None) -> list[Page]:
    """Every frame as a Page; with `page_range` = (first, last), 1-based and inclusive, only those
    frames are decoded (the others are skipped by their headers, and do not count towards the
    document's pixel limit, which bounds what one process holds)."""
    from PIL import Image, UnidentifiedImageError

    limit = max_pixels or MAX_PAGE_PIXELS
    first, last = page_range or (1, None)
    pages: list[Page] = []
    total = 0
    frame = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        old_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = limit
        try:
            img = Image.open(io.BytesIO(data))
            while last is None or frame < last:
                if frame + 1 < first:             # before the range: not decoded
                    frame += 1
                    try:
                        img.seek(frame)
                    except EOFError:
                        break
                    continue
                w, h = img.size
                if w * h > limit:
                    raise ImageTooLargeError(
                        f"page {frame + 1} is {w}x{h} pixels, too large to be a scanned page "
                        f"(limit {limit // 1_000_000} Mpx)", path=path, hint=TOO_LARGE_HINT)
                total += w * h
                if total > MAX_DOCUMENT_PIXELS:
                    raise ImageTooLargeError(
                        f"has more pixels than a document of {MAX_DOCUMENT_PIXELS // 8_700_000} A4 pages "
                        f"at 300 dpi (stopped at page {frame + 1})", path=path,
                        hint="split the file into smaller documents")
                img.load()
                dpi = dpi_of(img)
                pages.append(Page(number=frame + 1, image=to_gray_array(upright(img)), dpi=dpi))
                frame += 1
                try:
                    img.seek(frame)
                except EOFError:
                    break
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise ImageTooLargeError(f"too large to be a scanned page ({e})", path=path,
                                     hint=TOO_LARGE_HINT) from None
        except UnidentifiedImageError:
            raise CorruptImageError("is not a readable image (corrupt or not an image at all)",
                                    path=path, hint="re-scan or re-export the page") from None
        except (OSError, SyntaxError, ValueError, MemoryError, EOFError, IndexError, KeyError,
                struct.error) as e:
            # Also when only a later frame of a TIFF is broken: a partial document would
            # silently lose pages, so the whole file fails.
            where = f"page {frame + 1}: " if frame else ""
            raise CorruptImageError(f"{where}image data is damaged ({str(e)[:160] or type(e).__name__})",
                                    path=path, hint="re-scan or re-export the page") from None
        finally:
            Image.MAX_IMAGE_PIXELS = old_limit
    if not pages and first == 1:
        raise CorruptImageError("holds no image", path=path, hint="re-scan or re-export the page")
    return pages


def frame_count(data: bytes) -> int:
    """How many pages (frames) the image holds, from its headers; 1 when it cannot tell."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data)) as img:
            return max(1, int(getattr(img, "n_frames", 1)))
    except Exception:   # noqa: BLE001 (reading it for real reports the fault)
        return 1
