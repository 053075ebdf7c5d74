"""PDF through pypdfium2: pages with a real text layer give their text, scanned pages are
rendered at 300 dpi for OCR. Encrypted and broken PDFs get their own errors."""
from __future__ import annotations

from pathlib import Path

from ..errors import CorruptPdfError, EncryptedPdfError, ImageTooLargeError, NotAPdfError
from ..model import Page
from .image import MAX_PAGE_PIXELS

RENDER_DPI = 300
# A text layer is trusted when it has this many letters; scanned PDFs have none, or a few
# stray characters from a stamp or a scanner's header.
MIN_TEXT_LAYER_LETTERS = 40


def pdf_pages(data: bytes, path: Path, *, max_pixels: int | None = None) -> list[Page]:
    import pypdfium2 as pdfium

    if not data.lstrip()[:5] == b"%PDF-":
        raise NotAPdfError("is not a PDF file (no %PDF- header)", path=path,
                           hint="check the file; rename it if it is an image or a text")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg or "security" in msg:
            raise EncryptedPdfError("is encrypted (password protected)", path=path,
                                    hint="remove the password, e.g. `qpdf --decrypt in.pdf out.pdf`") from None
        raise CorruptPdfError(f"is a damaged PDF ({e})", path=path,
                              hint="re-export it, or repair it with `qpdf in.pdf out.pdf`") from None
    limit = max_pixels or MAX_PAGE_PIXELS
    pages: list[Page] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            text = _text_layer(page)
            if text is not None:
                pages.append(Page(number=i + 1, text=text))
                continue
            w_pt, h_pt = page.get_size()
            scale = RENDER_DPI / 72
            if w_pt * scale * h_pt * scale > limit:
                raise ImageTooLargeError(f"page {i + 1} is too large to be a document page "
                                         f"({w_pt:.0f}x{h_pt:.0f} pt)", path=path)
            bitmap = page.render(scale=scale, grayscale=True)
            import numpy as np
            arr = np.asarray(bitmap.to_numpy())
            if arr.ndim == 3:
                arr = arr[..., 0]
            pages.append(Page(number=i + 1, image=arr.astype(np.uint8).copy(), dpi=RENDER_DPI))
    except pdfium.PdfiumError as e:
        raise CorruptPdfError(f"a page could not be read ({e})", path=path,
                              hint="re-export it, or repair it with `qpdf in.pdf out.pdf`") from None
    finally:
        pdf.close()
    if not pages:
        raise CorruptPdfError("has no pages", path=path)
    return pages


def _text_layer(page) -> str | None:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if sum(ch.isalpha() for ch in text) < MIN_TEXT_LAYER_LETTERS:
        return None
    import unicodedata
    return unicodedata.normalize("NFC", text)
