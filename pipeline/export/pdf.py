"""`<name>.pdf`: the searchable PDF/A of a scan, its page images under the restored text.

    write_pdf(restored, "scan.pdf", "out/scan.pdf", plan=plan, pdfa="2b")

Needs only the RestoredText (with its pages: PageInfo says each page's upright frame, its
resolution and how far the source was turned) and the source file, so a later step (review,
corrections) can rewrite the PDF from corrected words without reading the scan again.

- Each page is the source's own page. From an image file (PNG, JPEG, every frame of a TIFF)
  the image goes in as it is stored (pipeline.export.pdf_images: JPEG bytes kept, PNG data
  kept, bitonal TIFF frames as CCITT G4), at its own resolution, drawn upright: the page's
  drawing matrix applies the EXIF orientation and the quarter turns the OCR found. From a PDF
  the page itself is kept (its images, its size, its vector content), turned upright by /Rotate;
  an older OCR's invisible text (render mode 3, an OmniPage or Tesseract layer) is removed, so
  that the only text to search and copy is the restored one. A page whose text is visible (born
  digital) keeps that text and gets no second layer.
- Over each page goes the invisible text layer of the restored words (pipeline.export.pdf_text).
- PDF/A: pikepdf.pdfa prepares the document (sRGB output intent, XMP with pdfaid part and
  conformance B, document info in agreement), writes it, reopens what was written and validates
  it against PDF/A-2b or 3b; a file that does not pass is not written. `pdfa="3b"` attaches the
  plan JSON as an associated file (AFRelationship /Data).

Built on pikepdf (qpdf) rather than OCRmyPDF or Ghostscript: the OCR is done already, and
writing the page images as they are with a text layer takes milliseconds per page, where
OCRmyPDF would rasterise every page again and Ghostscript rewrite every image (README, "PDF/A").
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..model import PageInfo, RestoredText

PDFA_FLAVOURS = ("2b", "3b")
# A page image whose file gives no resolution is taken to be A4 across its shorter side; so is
# one whose stated resolution would make it larger than A3 at under 100 dpi (72 dpi is what
# many programs write when they know nothing: a 200 dpi scan labelled so would be 83 cm tall).
A4_SHORT_SIDE_INCHES = 210 / 25.4
A3_LONG_SIDE_INCHES = 420 / 25.4


def pages_with_images(restored: RestoredText) -> list[PageInfo]:
    """The pages a PDF or ALTO can show: those read from a page (image or PDF), not text."""
    return [p for p in restored.pages if p.read in ("ocr", "layer") and p.width and p.height]


def words_by_page(restored: RestoredText) -> dict[int, list[list[tuple[str, object]]]]:
    """page number -> its lines, each a list of (word, Box), in reading order (words without a
    box cannot be placed and are left out)."""
    lines: dict[int, dict[int, list]] = defaultdict(dict)
    for w in restored.words():
        if w.box is not None and w.text and w.box.x1 > w.box.x0 and w.box.y1 > w.box.y0:
            lines[w.page].setdefault(w.line, []).append((w.text, w.box))
    return {page: [line for _, line in sorted(by_line.items())] for page, by_line in lines.items()}


def page_dpi(info: PageInfo) -> float:
    """The resolution a page image is shown at (px per inch)."""
    if info.dpi and not (info.dpi < 100 and max(info.width, info.height) / info.dpi > A3_LONG_SIDE_INCHES):
        return float(info.dpi)
    return min(info.width, info.height) / A4_SHORT_SIDE_INCHES


def write_pdf(restored: RestoredText, source_path: str | Path, dest: str | Path, *, plan=None,
              pdfa: str = "2b", title: str | None = None, notes: list[str] | None = None) -> Path:
    """Write the searchable PDF/A of `source_path` (an image or a PDF) to `dest`, atomically.
    What a reader should know about the result (pages simplified) is added to `notes`."""
    import pikepdf

    from .atomic import atomic_path

    if pdfa not in PDFA_FLAVOURS:
        raise ValueError(f"pdfa must be one of {PDFA_FLAVOURS}, not {pdfa!r}")
    source_path, dest = Path(source_path), Path(dest)
    pages = pages_with_images(restored)
    if not pages:
        raise OutputError("has no page images to make a PDF of (a text input)", path=source_path,
                          hint="PDF output is for scans and PDFs; use txt, docx or json")
    words = words_by_page(restored)
    data = source_path.read_bytes()
    is_pdf = data.lstrip()[:5] == b"%PDF-"
    # A PDF page whose content PDF/A cannot take as it is (visible text in fonts the file does
    # not embed, such as a digital signature's watermark) is made again from its scan images.
    for images_only in ((False, True) if is_pdf else (False,)):
        pdf = pikepdf.new()
        source = pikepdf.open(source_path) if is_pdf else None
        try:
            if source is not None:
                pdf_source_pages(pdf, source, pages, words, images_only=images_only)
            else:
                image_source_pages(pdf, data, pages, words)
            describe(pdf, restored, source_path, title or (plan.title if plan is not None else None))
            if pdfa == "3b" and plan is not None:
                attach_plan(pdf, plan, dest.with_suffix(".json").name)
            with atomic_path(dest) as tmp:
                save_pdfa(pdf, tmp, pdfa, dest)
            if images_only and notes is not None:
                notes.append("pdf: the source PDF's pages hold content PDF/A cannot keep (text in fonts it "
                             "does not embed); the PDF shows their scan images alone")
            return dest
        except OutputError:
            if not is_pdf or images_only:
                raise
        finally:
            pdf.close()
            if source is not None:
                source.close()
    return dest


# ------------------------------------------------------------------ image inputs

def image_source_pages(pdf, data: bytes, pages: list[PageInfo], words) -> None:
    from pikepdf import Dictionary

    from .pdf_images import image_file_pages
    from .pdf_text import FONT_NAME, glyphless_font, text_layer

    images = image_file_pages(data)
    font = glyphless_font(pdf)
    for info in pages:
        image = images[info.number - 1]
        px_to_pt = 72.0 / page_dpi(info)
        width_pt, height_pt = info.width * px_to_pt, info.height * px_to_pt
        page = pdf.add_blank_page(page_size=(width_pt, height_pt))
        to_user = np.array([[px_to_pt, 0, 0], [0, -px_to_pt, height_pt], [0, 0, 1]])
        m = to_user @ image_matrix(image, info)
        content = (f"q {' '.join(_num(v) for v in (m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2]))} cm "
                   "/Im0 Do Q\n").encode("ascii")
        if words.get(info.number):
            content += text_layer(words[info.number], to_user)
        page.Resources = Dictionary(XObject=Dictionary(Im0=image.xobject(pdf)),
                                    Font=Dictionary({"/" + FONT_NAME: font}))
        page.Contents = pdf.make_stream(content)


# EXIF orientation -> the matrix from stored pixels (w x h, y down) to the image as shown
def exif_matrix(orientation: int, w: float, h: float) -> np.ndarray:
    from ..ocr.geometry import quarter_turn

    flips = {2: [[-1, 0, w], [0, 1, 0]], 4: [[1, 0, 0], [0, -1, h]], 5: [[0, 1, 0], [1, 0, 0]],
             7: [[0, -1, h], [-1, 0, w]]}
    if orientation in flips:
        return np.vstack([np.array(flips[orientation], float), [0, 0, 1]])
    return quarter_turn({3: 2, 6: 1, 8: 3}.get(orientation, 0), w, h)


def image_matrix(image, info: PageInfo) -> np.ndarray:
    """The matrix from the image's unit square (PDF image space: (0, 0) is the bottom-left
    corner of the last row) to upright-frame pixels: EXIF orientation, then the OCR's turns."""
    from ..ocr.geometry import quarter_turn, turned_size

    w, h = image.width, image.height
    unit = np.array([[w, 0, 0], [0, -h, h], [0, 0, 1]], float)
    exif = exif_matrix(image.orientation, w, h)
    shown = (h, w) if image.orientation in (5, 6, 7, 8) else (w, h)
    turns = (info.rotation // 90) % 4
    m = quarter_turn(turns, *shown) @ exif @ unit
    upright = turned_size(turns, *shown)
    if upright != (info.width, info.height):        # not the frame the words are in: fit it
        m = np.diag([info.width / upright[0], info.height / upright[1], 1.0]) @ m
    return m


def _num(v: float) -> str:
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# ------------------------------------------------------------------ PDF inputs

# What a page keeps of its source page: how it looks, nothing else (PDF/A admits only what it
# knows, and scanner software leaves private keys about)
PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/Resources", "/Contents", "/Group", "/UserUnit")


def pdf_source_pages(pdf, source, pages: list[PageInfo], words, *, images_only: bool = False) -> None:
    """Each page of `source` taken over into `pdf` (a new document): its look (boxes, rotation,
    resources, content, with annotations drawn in) without its old invisible text, and the
    restored words over it. `images_only`: keep only the page's images (see write_pdf)."""
    import pikepdf
    from pikepdf import Dictionary, Name

    from .pdf_source import flatten_forms, remove_invisible_text, scan_images_only
    from .pdf_text import FONT_NAME, glyphless_font, text_layer

    flatten_forms(source)
    font = None
    for info in pages:
        old = source.pages[info.number - 1]
        removed, visible = remove_invisible_text(source, old)
        if images_only and scan_images_only(source, old):
            removed, visible = True, False
        page = pdf.add_blank_page()
        for key in PAGE_KEYS:
            if key in old.obj:
                value = old.obj[key]
                if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                    # copy_foreign takes indirect objects (and copies what they refer to)
                    value = pdf.copy_foreign(value if value.is_indirect else source.make_indirect(value))
                page.obj[key] = value
        page.remove_unreferenced_resources()      # the old layer's fonts, now unused
        to_user = upright_to_user(page, info)
        if info.rotation % 360:
            page.obj.Rotate = (int(page.obj.get("/Rotate", 0)) + info.rotation) % 360
        # a born-digital page (visible text, no hidden layer) is its own text layer
        if not words.get(info.number) or (visible and not removed and info.read != "ocr"):
            continue
        font = font or glyphless_font(pdf)
        if "/Resources" not in page.obj:
            page.obj.Resources = Dictionary()
        resources = page.obj.Resources
        if "/Font" not in resources:
            resources.Font = Dictionary()
        resources.Font[Name("/" + FONT_NAME)] = font
        # the page's own content may leave the graphics state changed: wrap it
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q\n" + text_layer(words[info.number], to_user)))


def upright_to_user(page, info: PageInfo) -> np.ndarray:
    """The matrix from upright-frame pixels of a PDF page to its user space: the frame is the
    page as shown (crop box, /Rotate) at the page's resolution, turned by the OCR's turns."""
    from ..ocr.geometry import quarter_turn, turned_size

    left, bottom, right, top = (float(v) for v in page.cropbox)
    w, h = right - left, top - bottom
    rotate = (int(page.obj.get("/Rotate", 0)) // 90) % 4
    to_ydown = np.array([[1, 0, -left], [0, -1, top], [0, 0, 1]], float)
    shown = turned_size(rotate, w, h)
    turns = (info.rotation // 90) % 4
    upright_pt = turned_size(turns, *shown)
    forward = quarter_turn(turns, *shown) @ quarter_turn(rotate, w, h) @ to_ydown
    scale = np.diag([info.width / upright_pt[0], info.height / upright_pt[1], 1.0])
    return np.linalg.inv(scale @ forward)


# ------------------------------------------------------------------ metadata, PDF/A

def describe(pdf, restored: RestoredText, source_path: Path, title: str | None) -> None:
    """Title (the plan's, else the file's name), language, and sohoa as the creator."""
    from pikepdf import Dictionary, String

    from .. import __version__

    pdf.Root.Lang = String("vi")
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title or source_path.stem
        meta["dc:language"] = ["vi"]
        meta["xmp:CreatorTool"] = f"sohoa {__version__}"


def attach_plan(pdf, plan, filename: str) -> None:
    """The plan JSON as a PDF/A-3 associated file of the document (AFRelationship /Data)."""
    from pikepdf import Array, AttachedFileSpec, Name

    body = json.dumps(plan.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    spec = AttachedFileSpec(pdf, body, description="sohoa.plan/1: the plan read from this document",
                            filename=filename, mime_type="application/json", relationship=Name.Data)
    pdf.attachments[filename] = spec
    pdf.Root.AF = Array([spec.obj])


def save_pdfa(pdf, tmp: Path, flavour: str, dest: Path) -> None:
    from pikepdf.pdfa import PdfaError, save

    try:
        save(pdf, tmp, flavour, output_intent="sRGB")
    except PdfaError as e:
        findings = [f for f in e.report.findings][:3]
        detail = "; ".join(f"{getattr(f, 'rule', '')} {getattr(f, 'message', f)}".strip() for f in findings)
        raise OutputError(f"the PDF could not be made PDF/A-{flavour}: {detail or e}", path=dest,
                          hint="report this with the input file; the other outputs are written") from None
