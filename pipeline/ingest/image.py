"""Images: PNG, JPEG, TIFF (every frame of a multi-page TIFF is a page of one document).

Pages come out as 8-bit grayscale numpy arrays whatever the file holds (palette, RGB, alpha,
16-bit), with the DPI of the file's metadata when it gives one. Pillow's decompression-bomb
guard is made an error with our own limit, checked from the header before any pixel is decoded.
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path

from ..errors import CorruptImageError, ImageTooLargeError
from ..model import Page

# An A3 page at 600 dpi is 7016 x 9921 = 70 Mpx; anything much larger is not a page.
MAX_PAGE_PIXELS = 80_000_000


def to_gray_array(img):
    """A Pillow image of any mode as an 8-bit grayscale numpy array (alpha composited on white)."""
    import numpy as np
    from PIL import Image

    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        scale = 255.0 / (hi - lo) if hi > lo else 0.0
        return ((a - lo) * scale).astype(np.uint8)
    if img.mode == "1":
        img = img.convert("L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img.convert("RGBA"))
    if img.mode != "L":
        img = img.convert("L")
    return np.asarray(img, dtype=np.uint8).copy()


def dpi_of(img) -> int | None:
    dpi = img.info.get("dpi")
    try:
        x = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    return int(round(x)) if 30 <= x <= 2400 else None


def image_pages(data: bytes, path: Path, *, max_pixels: int | None = None) -> list[Page]:
    from PIL import Image, UnidentifiedImageError

    limit = max_pixels or MAX_PAGE_PIXELS
    pages: list[Page] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        old_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = limit
        try:
            img = Image.open(io.BytesIO(data))
            frame = 0
            while True:
                w, h = img.size
                if w * h > limit:
                    raise ImageTooLargeError(
                        f"page {frame + 1} is {w}x{h} pixels, too large to be a scanned page "
                        f"(limit {limit // 1_000_000} Mpx)", path=path,
                        hint="scan at 300 dpi, or split the image into pages")
                img.load()
                pages.append(Page(number=frame + 1, image=to_gray_array(img), dpi=dpi_of(img)))
                frame += 1
                try:
                    img.seek(frame)
                except EOFError:
                    break
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise ImageTooLargeError(f"too large to be a scanned page ({e})", path=path,
                                     hint="scan at 300 dpi, or split the image into pages") from None
        except UnidentifiedImageError:
            raise CorruptImageError("is not a readable image (corrupt or not an image at all)",
                                    path=path, hint="re-scan or re-export the page") from None
        except (OSError, SyntaxError, ValueError, MemoryError) as e:
            # Also when only a later frame of a TIFF is broken: a partial document would
            # silently lose pages, so the whole file fails.
            raise CorruptImageError(f"image data is damaged ({e})", path=path,
                                    hint="re-scan or re-export the page") from None
        finally:
            Image.MAX_IMAGE_PIXELS = old_limit
    return pages
