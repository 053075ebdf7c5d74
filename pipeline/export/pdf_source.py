"""A source PDF's pages, taken over for the searchable PDF: its old invisible OCR text removed.

Scanner software and older OCR (OmniPage, ABBYY, Tesseract, OCRmyPDF) put their text over the
page image in text render mode 3 (invisible). Left in, it would be found by search and copied
along with the restored text (an OmniPage layer without Vietnamese reads `Tlurc hin Thông báo`),
so every text object of the page's content that draws only invisibly (modes 3 and 7) is taken
out. Text that is drawn (a born-digital page) is the page's own text and stays.

PDF/A-2b admits no interactive forms and no signature permissions: form fields and signature
widgets are flattened into the page (what they show stays, as page content: a signed PDF's
signature no longer verifies once its pages carry a new text layer anyway), and the form and
the permissions go.
"""
from __future__ import annotations

INVISIBLE = (3, 7)            # text render modes that neither fill nor stroke
SHOW = {"Tj", "TJ", "'", '"'}
# what a removed text object loses: its bounds, positioning, showing and font (the old layer's
# fonts are seldom embedded, which PDF/A forbids). The rest (render mode, colour, marked
# content) is state that later objects may rely on, and stays; so does the font, for a later
# object that shows text before choosing one (it is given the font it would have had).
DROPPED = SHOW | {"BT", "ET", "Td", "TD", "Tm", "T*", "Tf"}


def remove_invisible_text(pdf, page) -> tuple[bool, bool]:
    """Remove the text objects (BT ... ET) of the page's content that draw only invisible text.
    Returns (whether any was removed, whether the page draws visible text). The render mode is graphics state: it carries
    from one text object to the next and is saved and restored by q/Q."""
    import pikepdf

    try:
        ops = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return False, True       # unreadable content: leave it alone
    kept, block = [], None
    mode, stack = 0, []
    visible = removed = False
    block_visible = block_shows = False
    font = None                  # the last Tf of a removed text object, still in force
    for operands, operator in ops:
        op = str(operator)
        if op == "q":
            stack.append(mode)
        elif op == "Q":
            mode = stack.pop() if stack else 0
        elif op == "Tr" and operands:
            mode = int(operands[0])
        if op == "BT":
            block, block_visible, block_shows = [], False, False
        if block is None:
            kept.append((operands, operator))
            continue
        block.append((operands, operator))
        if op in SHOW:
            block_shows = True
            block_visible |= mode not in INVISIBLE
        if op == "ET":
            names = [str(item[1]) for item in block]
            if block_shows and not block_visible:
                removed = True
                kept.extend(item for item, name in zip(block, names) if name not in DROPPED)
                font = next((item for item, name in zip(reversed(block), reversed(names)) if name == "Tf"), font)
            else:
                first_show = next(i for i, name in enumerate(names) if name in SHOW or name == "ET")
                if font is not None and "Tf" not in names[:first_show]:
                    block.insert(1, font)
                if "Tf" in names:
                    font = None
                kept.extend(block)
            visible |= block_visible
            block = None
    if block:                    # an unterminated text object: keep it as it was
        kept.extend(block)
    if removed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    return removed, visible


def flatten_forms(pdf) -> None:
    """Draw every annotation's appearance into its page, and drop the form and permissions."""
    if "/AcroForm" in pdf.Root or any("/Annots" in page.obj for page in pdf.pages):
        try:
            pdf.flatten_annotations(mode="all")
        except Exception:            # noqa: BLE001 (an odd annotation: prepare() repairs what it can)
            pass
    for key in ("/AcroForm", "/Perms"):
        if key in pdf.Root:
            del pdf.Root[key]


def scan_images_only(pdf, page) -> bool:
    """Replace the page's content by its images alone, each drawn where it was (the scan), when
    the rest cannot be kept in a PDF/A (visible text in fonts the file does not embed: a digital
    signature's watermark, a stamp of the scanning software). Returns whether it drew any image."""
    import pikepdf

    try:
        ops = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return False
    xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
    ctm, stack, draws = pikepdf.Matrix(), [], []
    for operands, operator in ops:
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else pikepdf.Matrix()
        elif op == "cm" and len(operands) == 6:
            ctm = pikepdf.Matrix(*[float(v) for v in operands]) @ ctm
        elif op == "Do" and operands:
            xobject = xobjects.get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Image":
                draws.append((str(operands[0]), ctm))
    if not draws:
        return False
    content = "".join(f"q {' '.join(f'{v:.6f}' for v in m.shorthand)} cm {name} Do Q\n" for name, m in draws)
    page.obj.Contents = pdf.make_stream(content.encode("ascii"))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary({name: xobjects[name] for name, _ in draws}))
    return True
