"""PDF through pypdfium2: pages with a real text layer give their text, scanned pages are
rendered for OCR. Encrypted and broken PDFs get their own errors.

A scanned page is rendered at the resolution of the scan it holds (its largest image: pixels
over the size it is drawn at), between 150 and 400 dpi, and 300 dpi when it holds no image:
resampling a 200 dpi scan to 300 dpi adds nothing for Tesseract but time. Large-format pages
are rendered at a lower resolution to stay within the page pixel limit. Pages are rendered
in colour and turned gray by the brightest channel, as images are (pipeline.ingest.image),
so that red stamps and blue signatures fade.

Nothing is rendered before the whole document has been measured: the pixels of every page to
render are added up first (from the page sizes, which cost nothing), so that a 50 KB file of
thousands of blank pages is refused at once instead of after gigabytes of rendering; the text
layers are added up likewise against the text limit. Characters XML cannot hold are removed
from text layers, as from text files (pipeline.ingest.text.clean_text).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import CorruptPdfError, EmptyInputError, EncryptedPdfError, ImageTooLargeError, NotAPdfError
from ..model import Box, LayerWord, Page
from .image import MAX_DOCUMENT_PIXELS, MAX_PAGE_PIXELS, TOO_LARGE_HINT, colour_to_gray
from .text import check_length, clean_text

DEFAULT_DPI = 300
MIN_DPI, MAX_DPI = 150, 400
# A text layer is trusted when it has this many letters; scanned PDFs have none, or a few
# stray characters from a stamp or a scanner's header.
MIN_TEXT_LAYER_LETTERS = 40


def pdf_pages(data: bytes, path: Path, *, max_pixels: int | None = None, text_layer: str = "auto",
              page_range: tuple[int, int] | None = None) -> list[Page]:
    """The PDF's pages: each with its text layer (words and boxes) when it has one, and its
    image rendered when it is to be read by OCR (pipeline.ingest.layer decides, by `text_layer`).
    With `page_range` = (first, last), 1-based and inclusive, only those pages (the others are
    not read, and do not count towards the document's pixel limit, which bounds what one
    process holds)."""
    import pypdfium2 as pdfium

    from .layer import choose, judge

    if not data.lstrip()[:5] == b"%PDF-":
        raise NotAPdfError("is not a PDF file (no %PDF- header)", path=path,
                           hint="check the file; rename it if it is an image or a text")
    pdf = open_pdf(data, path)
    limit = max_pixels or MAX_PAGE_PIXELS
    pages: list[Page] = []
    try:
        # First every page is measured: its text layer, what is to be read, and for a page to
        # render, the resolution and the pixels it will take. Then the pages are rendered.
        measured: list[tuple] = []
        total_pixels = total_chars = 0
        first, last = page_range or (1, len(pdf))
        for i in range(first - 1, min(last, len(pdf))):
            page = pdf[i]
            w_pt, h_pt = page.get_size()
            scan = scan_image(page, pdfium)
            dpi = scan.dpi if scan else DEFAULT_DPI
            text, layer = text_layer_of(page, dpi)
            if text is not None:
                total_chars += len(text)
                check_length(total_chars, path, "its text layer")
            verdict = judge(text) if text is not None else None
            read, why = choose(verdict, text_layer, scanned=scan is not None and scan.coverage >= SCAN_COVERAGE)
            if read == "layer":
                measured.append((i, read, why, text, layer, verdict, dpi, w_pt, h_pt))
                continue
            # A large-format page (A2, A0) is rendered at a lower resolution to stay within the
            # page limit; one that would need less than MIN_DPI is not a document page.
            fit = int((limit / max(w_pt * h_pt / 72 / 72, 1e-6)) ** 0.5)
            if fit < dpi:
                dpi = fit
                text, layer = text_layer_of(page, dpi) if text is not None else (None, None)
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
            measured.append((i, read, why, text, layer, verdict, dpi, w_pt, h_pt))
        for i, read, why, text, layer, verdict, dpi, w_pt, h_pt in measured:
            if read == "layer":
                pages.append(Page(number=i + 1, text=text, layer=layer, dpi=dpi, why=why,
                                  width=round(w_pt * dpi / 72), height=round(h_pt * dpi / 72)))
                continue
            # a legacy layer stays beside the image: a second reading of the same words
            second = layer if verdict is not None and verdict.kind == "legacy" else None
            image = render_gray(pdf[i], dpi / 72)
            pages.append(Page(number=i + 1, image=image, dpi=dpi, why=why, layer=second,
                              text=text if second is not None else None,
                              width=image.shape[1], height=image.shape[0]))
    except pdfium.PdfiumError as e:
        raise CorruptPdfError(f"a page could not be read ({e})", path=path,
                              hint="re-export it, or repair it with `qpdf in.pdf out.pdf`") from None
    finally:
        pdf.close()
    if not pages and page_range is None:
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


def pdf_page_count(data: bytes) -> int:
    """How many pages the PDF has, without reading them; 1 when it cannot tell."""
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:   # noqa: BLE001 (reading it for real reports the fault)
        return 1
    try:
        return max(1, len(pdf))
    finally:
        pdf.close()


@dataclass(frozen=True)
class ScanImage:
    dpi: int                   # resolution of the page's largest image, within MIN_DPI..MAX_DPI
    coverage: float            # share of the page's area that image covers


# A page is a scan when one image covers at least this share of it (a scanner's page image
# covers all of it; a logo or a photo in a born-digital document, far less).
SCAN_COVERAGE = 0.5


def scan_image(page, pdfium) -> ScanImage | None:
    """The largest image drawn on the page: its resolution and how much of the page it covers."""
    import pypdfium2.raw as raw

    best = None
    try:
        w_pt, h_pt = page.get_size()
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
    area, dpi = best
    return ScanImage(dpi=int(round(min(max(dpi, MIN_DPI), MAX_DPI))),
                     coverage=min(1.0, area / max(w_pt * h_pt / 72 / 72, 1e-6)))


def render_gray(page, scale: float):
    import numpy as np

    bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
    arr = np.asarray(bitmap.to_numpy())
    if arr.ndim == 2:
        return arr.astype(np.uint8, copy=True)
    return colour_to_gray(arr[..., :3])


def text_layer_of(page, dpi: float) -> tuple[str | None, list[LayerWord] | None]:
    """The page's text layer, and its words with their boxes in pixels of the page at `dpi`
    (the frame its rendering has), or (None, None) when it has no real text layer."""
    import unicodedata

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        full = textpage.get_text_range()
        text = full.replace("\r\n", "\n").replace("\r", "\n")
        if sum(ch.isalpha() for ch in text) < MIN_TEXT_LAYER_LETTERS:
            return None, None
        # one UTF-16 unit per character index, which holds unless the layer has characters
        # beyond the BMP; then read them one by one
        chars = full if len(full) == count else [textpage.get_text_range(i, 1) for i in range(count)]
        to_px = layer_transform(page, dpi)
        words: list[LayerWord] = []
        line = 0
        current: list[tuple[str, tuple]] = []

        def flush():
            if current:
                word = unicodedata.normalize("NFC", clean_text("".join(c for c, _ in current)))
                boxes = [b for _, b in current if b[2] > b[0] or b[3] > b[1]] or [current[0][1]]
                x0 = min(b[0] for b in boxes); x1 = max(b[2] for b in boxes)
                y0 = min(b[1] for b in boxes); y1 = max(b[3] for b in boxes)
                words.append(LayerWord(text=word, box=to_px(x0, y0, x1, y1), line=line))
                current.clear()

        for i, ch in enumerate(chars):
            if ch == "\n" or ch == "\r":
                flush()
                if ch == "\n" or (i + 1 < len(chars) and chars[i + 1] != "\n"):
                    line += 1
            elif ch.isspace():
                flush()
            else:
                current.append((ch, textpage.get_charbox(i)))
        flush()
    finally:
        textpage.close()
    return unicodedata.normalize("NFC", clean_text(text)), [w for w in words if w.text]


def layer_transform(page, dpi: float):
    """(left, bottom, right, top) in PDF user space -> Box in pixels of the page as rendered at
    `dpi`: origin at the crop box's top-left, y down, the page's /Rotate applied."""
    from ..ocr.geometry import quarter_turn

    left, bottom, right, top = page.get_cropbox()
    k = dpi / 72.0
    w_px, h_px = (right - left) * k, (top - bottom) * k
    turn = quarter_turn((page.get_rotation() // 90) % 4, w_px, h_px)
    W, H = (h_px, w_px) if page.get_rotation() % 180 else (w_px, h_px)

    def to_px(x0, y0, x1, y1) -> Box:
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0)):
            px, py = (x - left) * k, (top - y) * k
            xs.append(turn[0, 0] * px + turn[0, 1] * py + turn[0, 2])
            ys.append(turn[1, 0] * px + turn[1, 1] * py + turn[1, 2])
        return Box(max(0, int(min(xs))), max(0, int(min(ys))),
                   min(round(W), int(-(-max(xs) // 1))), min(round(H), int(-(-max(ys) // 1))))
    return to_px
