"""PDF through pypdfium2: pages with a real text layer give their text, scanned pages are
rendered for OCR. Encrypted and broken PDFs get their own errors.

A scanned page is rendered at the resolution of the scan it holds (its largest image: pixels
over the size it is drawn at), between 150 and 400 dpi, and 300 dpi when it holds no image:
resampling a 200 dpi scan to 300 dpi adds nothing for Tesseract but time. Large-format pages
are rendered at a lower resolution to stay within the page pixel limit. Pages are rendered
in colour and turned gray by the brightest channel, as images are (pipeline.ingest.image),
so that red stamps and blue signatures fade.

Nothing is rendered before the whole document has been measured: the pixels of every scanned
page are added up first (from the page sizes, which cost nothing), so that a 50 KB file of
thousands of blank pages is refused at once instead of after gigabytes of rendering; the text
layers are added up likewise against the text limit.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import CorruptPdfError, EmptyInputError, EncryptedPdfError, ImageTooLargeError, NotAPdfError
from ..model import Page
from .image import MAX_DOCUMENT_PIXELS, MAX_PAGE_PIXELS, TOO_LARGE_HINT, colour_to_gray
from .text import check_length, clean_text

DEFAULT_DPI = 300
MIN_DPI, MAX_DPI = 150, 400
# A text layer is trusted when it has this many letters; scanned PDFs have none, or a few
# stray characters from a stamp or a scanner's header.
MIN_TEXT_LAYER_LETTERS = 40


def pdf_pages(data: bytes, path: Path, *, max_pixels: int | None = None) -> list[Page]:
    import pypdfium2 as pdfium

    if not data.lstrip()[:5] == b"%PDF-":
        raise NotAPdfError("is not a PDF file (no %PDF- header)", path=path,
                           hint="check the file; rename it if it is an image or a text")
    pdf = open_pdf(data, path)
    limit = max_pixels or MAX_PAGE_PIXELS
    pages: list[Page] = []
    try:
        # First every page is measured (text layer, or the resolution and pixels it will be
        # rendered at), then the scanned ones are rendered.
        layout: list[tuple[int, str | None, int]] = []     # (index, text layer, dpi)
        total_pixels = total_chars = 0
        for i in range(len(pdf)):
            page = pdf[i]
            text = _text_layer(page)
            if text is not None:
                total_chars += len(text)
                check_length(total_chars, path, "its text layer")
                layout.append((i, text, 0))
                continue
            w_pt, h_pt = page.get_size()
            dpi = scan_dpi(page, pdfium) or DEFAULT_DPI
            # A large-format page (A2, A0) is rendered at a lower resolution to stay within the
            # page limit; one that would need less than MIN_DPI is not a document page.
            fit = int((limit / max(w_pt * h_pt / 72 / 72, 1e-6)) ** 0.5)
            if fit < dpi:
                dpi = fit
            if dpi < MIN_DPI:
                raise ImageTooLargeError(f"page {i + 1} is too large to be a document page "
                                         f"({w_pt / 72 * 2.54:.0f} x {h_pt / 72 * 2.54:.0f} cm)", path=path,
                                         hint="split it into document-sized pages")
            total_pixels += (w_pt * dpi / 72) * (h_pt * dpi / 72)
            if total_pixels > MAX_DOCUMENT_PIXELS:
                raise ImageTooLargeError(
                    f"has too many pages to read at once: its {len(pdf)} pages would exceed "
                    f"{MAX_DOCUMENT_PIXELS // 1_000_000:,} Mpx (page {i + 1} already does)",
                    path=path, hint="split the PDF, e.g. `qpdf --split-pages`")
            layout.append((i, None, dpi))
        for i, text, dpi in layout:
            if text is not None:
                pages.append(Page(number=i + 1, text=text))
            else:
                pages.append(Page(number=i + 1, image=render_gray(pdf[i], dpi / 72), dpi=dpi))
    except pdfium.PdfiumError as e:
        raise CorruptPdfError(f"a page could not be read ({e})", path=path,
                              hint="re-export it, or repair it with `qpdf in.pdf out.pdf`") from None
    finally:
        pdf.close()
    if not pages:
        raise EmptyInputError("has no pages", path=path, hint="re-export it from the program that made it")
    return pages


def open_pdf(data: bytes, path: Path):
    """The pypdfium2 document, or the error that says why it cannot be opened.

    pypdfium2 treats a PDF of no pages as a failure to load, and reports PDFium's last error,
    which is then that of an earlier file ("damaged (PDFium: Success)", or another file's
    error in a batch). So when it fails, the file is opened again with PDFium's own call: it
    tells a document of no pages from one that will not open, and its error is this file's."""
    import pypdfium2 as pdfium
    import pypdfium2.internal as pdfium_i
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        pass
    handle = raw.FPDF_LoadMemDocument64(data, len(data), None)
    if handle:
        count = raw.FPDF_GetPageCount(handle)
        raw.FPDF_CloseDocument(handle)
        if count < 1:
            raise EmptyInputError("has no pages", path=path, hint="re-export it from the program that made it")
        raise CorruptPdfError("could not be opened", path=path,
                              hint="re-export it, or repair it with `qpdf in.pdf out.pdf`")
    code = raw.FPDF_GetLastError()
    if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
        raise EncryptedPdfError("is encrypted (password protected)", path=path,
                                hint="remove the password, e.g. `qpdf --decrypt in.pdf out.pdf`")
    reason = pdfium_i.ErrorToStr.get(code, f"error {code}")
    raise CorruptPdfError(f"is a damaged PDF (PDFium: {reason})", path=path,
                          hint="re-export it, or repair it with `qpdf in.pdf out.pdf`")


def scan_dpi(page, pdfium) -> int | None:
    """Resolution of the largest image drawn on the page, within MIN_DPI..MAX_DPI, or None."""
    import pypdfium2.raw as raw

    best = None
    try:
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            w_in, h_in = abs(right - left) / 72, abs(top - bottom) / 72
            px_w, px_h = obj.get_px_size()
            if w_in <= 0 or h_in <= 0 or not px_w or not px_h:
                continue
            # The image may be drawn turned by 90 degrees: pair its long side with the long side.
            dpi = max(px_w, px_h) / max(w_in, h_in)
            area = w_in * h_in
            if best is None or area > best[0]:
                best = (area, dpi)
    except (pdfium.PdfiumError, AttributeError, ValueError, ZeroDivisionError):
        return None
    if best is None:
        return None
    return int(round(min(max(best[1], MIN_DPI), MAX_DPI)))


def render_gray(page, scale: float):
    import numpy as np

    bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
    arr = np.asarray(bitmap.to_numpy())
    if arr.ndim == 2:
        return arr.astype(np.uint8, copy=True)
    return colour_to_gray(arr[..., :3])


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
    return unicodedata.normalize("NFC", clean_text(text))
