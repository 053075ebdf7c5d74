"""Page set-up and the named styles of the DOCX (Decree 30/2020/NĐ-CP, Appendix I).

Everything the document looks like is a named style, so a user can restyle it in Word or
LibreOffice in one place: Normal, Body Text, List Paragraph, Heading 1-3 (I., 1., 1.1./a)),
Heading Unnumbered (an all-capitals line such as PHỤ LỤC), Title (the summary
line), Document Type, Header Block, Recipients, Signature, Table Text, Table Heading, and the
table styles "Sohoa Table" (ruled) and "Sohoa Layout Table" (borderless, for the header block
and the closing block).

Every style names Times New Roman for all four font slots (ASCII, high ANSI, East Asian and
complex script) and drops the theme-font references of the default template: with a theme
reference present Word ignores the explicit name, and LibreOffice falls back to the theme's
Calibri/Cambria for Vietnamese letters outside Latin-1.
"""
from __future__ import annotations

FONT = "Times New Roman"
BODY_PT = 14                 # Decree 30: 13-14 pt for body text
SMALL_PT = 12                # "Nơi nhận:" heading
TINY_PT = 11                 # the recipients list
FIRST_INDENT_CM = 1.27       # Decree 30: a paragraph's first line is indented 1-1.27 cm
PAGE_MM = (210, 297)         # A4
# Decree 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm. Chosen inside the ranges,
# not on their edges: Word stores margins in twips, and 15 mm comes back as 14.99 mm.
MARGINS_MM = {"top": 22, "bottom": 22, "left": 30, "right": 17}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
LANG = "vi-VN"

TABLE_STYLE = "Sohoa Table"
LAYOUT_TABLE_STYLE = "Sohoa Layout Table"

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
# What may follow w:pBdr inside w:pPr (ECMA-376 CT_PPrBase order).
_PPR_AFTER_PBDR = tuple(f"w:{t}" for t in (
    "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))
# Style name -> style id, filled by setup_document. python-docx resolves a style name by
# scanning every style of the document each time (5 ms a paragraph); the writer sets the id.
_STYLE_IDS: dict[str, str] = {}


def _w(tag: str) -> str:
    from docx.oxml.ns import qn
    return qn(f"w:{tag}")


def set_fonts(rpr, name: str = FONT) -> None:
    """Name `name` in every font slot of a w:rPr element and drop theme-font references."""
    rfonts = rpr.find(_w("rFonts"))
    if rfonts is None:
        from docx.oxml import OxmlElement
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(_w(attr), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(_w(attr), name)


def _set_lang(rpr) -> None:
    from docx.oxml import OxmlElement
    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(_w("val"), LANG)
    lang.set(_w("eastAsia"), LANG)


def set_border(parent_pr, tag: str, sides: dict[str, str | None]) -> None:
    """Write a border element (w:pBdr / w:tblBorders / w:tcBorders) on `parent_pr`.
    `sides` maps side -> "single" (a thin line) or None (no line)."""
    from docx.oxml import OxmlElement
    old = parent_pr.find(_w(tag))
    if old is not None:
        parent_pr.remove(old)
    border = OxmlElement(f"w:{tag}")
    for side, kind in sides.items():
        el = OxmlElement(f"w:{side}")
        el.set(_w("val"), kind or "nil")
        if kind:
            el.set(_w("sz"), "6")
            el.set(_w("space"), "0" if tag != "pBdr" else "1")
            el.set(_w("color"), "000000")
        border.append(el)
    if tag == "pBdr":           # Word rejects a w:pPr whose children are out of schema order
        parent_pr.insert_element_before(border, *_PPR_AFTER_PBDR)
    else:
        parent_pr.append(border)
    if tag == "tblBorders":     # schema order: tblStyle, ..., tblBorders, ..., tblLayout, tblCellMar
        for later in ("shd", "tblLayout", "tblCellMar", "tblLook"):
            el = parent_pr.find(_w(later))
            if el is not None:
                parent_pr.remove(el)
                parent_pr.append(el)


def setup_document(doc) -> None:
    """A4, the margins of Decree 30, Vietnamese as the language, and the named styles."""
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    _setup_defaults(doc)
    _setup_paragraph_styles(doc)
    _setup_table_styles(doc)
    _page_numbers(doc)
    _STYLE_IDS.update({style.name: style.style_id for style in doc.styles})


def styled(par, name: str):
    """Give paragraph `par` the paragraph style `name` (set up by setup_document); returns `par`."""
    sid = _STYLE_IDS.get(name)
    if sid is None:
        par.style = name
    else:
        par._p.style = sid
    return par


def add_paragraph(container, name: str):
    """A new paragraph of style `name` at the end of `container` (document body or table cell)."""
    return styled(container.add_paragraph(), name)


def _setup_defaults(doc) -> None:
    from docx.shared import Pt

    styles = doc.styles.element
    rpr_default = styles.find(_w("docDefaults")).find(_w("rPrDefault")).find(_w("rPr"))
    set_fonts(rpr_default)
    _set_lang(rpr_default)
    # Any style of the template that still points at a theme font gets the body font instead.
    for rfonts in styles.iter(_w("rFonts")):
        if any(rfonts.get(_w(a)) for a in _THEME_ATTRS):
            set_fonts(rfonts.getparent())
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr())
    _set_lang(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0


def _paragraph_style(doc, name: str, *, base: str = "Normal", size: float = BODY_PT, bold=False,
                     italic=False, align=None, first_indent_cm: float | None = None,
                     before: float = 0, after: float = 0, line_spacing: float = 1.0,
                     keep_with_next=False, caps=False):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base] if name != base else None
    style.hidden = False
    style.quick_style = True
    ppr = style.element.get_or_add_pPr()
    for stale in ("pBdr", "contextualSpacing", "ind"):          # template borders and indents
        el = ppr.find(_w(stale))
        if el is not None:
            ppr.remove(el)
    font = style.font
    font.name, font.size = FONT, Pt(size)
    font.bold, font.italic, font.all_caps = bold, italic, caps or None
    font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr())
    for stale in ("spacing", "kern"):                           # Title's letter spacing
        el = style.element.rPr.find(_w(stale))
        if el is not None:
            style.element.rPr.remove(el)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = Cm(first_indent_cm) if first_indent_cm else None
    pf.left_indent = pf.right_indent = None
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing = line_spacing
    pf.keep_with_next = keep_with_next or None
    pf.widow_control = True
    return style


def _setup_paragraph_styles(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH as A

    body = dict(first_indent_cm=FIRST_INDENT_CM, align=A.JUSTIFY, after=6, line_spacing=1.15)
    _paragraph_style(doc, "Body Text", **body)
    _paragraph_style(doc, "List Paragraph", **body)
    _paragraph_style(doc, "Heading 1", bold=True, before=6, after=6, keep_with_next=True,
                     first_indent_cm=FIRST_INDENT_CM, align=A.JUSTIFY)
    _paragraph_style(doc, "Heading 2", bold=True, before=3, after=6, keep_with_next=True,
                     first_indent_cm=FIRST_INDENT_CM, align=A.JUSTIFY)
    _paragraph_style(doc, "Heading 3", bold=True, italic=True, before=3, after=6, keep_with_next=True,
                     first_indent_cm=FIRST_INDENT_CM, align=A.JUSTIFY)
    _paragraph_style(doc, "Heading Unnumbered", bold=True, align=A.CENTER, before=6, after=6,
                     keep_with_next=True)
    _paragraph_style(doc, "Document Type", bold=True, align=A.CENTER, before=18, keep_with_next=True)
    _paragraph_style(doc, "Title", bold=True, align=A.CENTER, keep_with_next=True)
    _paragraph_style(doc, "Header Block", size=13, align=A.CENTER)
    _paragraph_style(doc, "Rule", size=2, align=A.CENTER, before=3)   # the short lines under headings
    _paragraph_style(doc, "Recipients Heading", size=SMALL_PT, bold=True, italic=True)
    _paragraph_style(doc, "Recipients", size=TINY_PT)
    _paragraph_style(doc, "Signature", bold=True, align=A.CENTER)
    _paragraph_style(doc, "Table Text", size=13, line_spacing=1.0, before=2, after=2)
    _paragraph_style(doc, "Table Heading", base="Table Text", size=13, bold=True, align=A.CENTER,
                     before=2, after=2)


def _table_style(doc, name: str, *, ruled: bool):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    el = style.element
    el.set(_w("customStyle"), "1")
    tblpr = el.find(_w("tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        el.append(tblpr)
    line = "single" if ruled else None
    set_border(tblpr, "tblBorders", {s: line for s in ("top", "left", "bottom", "right", "insideH", "insideV")})
    mar = tblpr.find(_w("tblCellMar"))
    if mar is None:
        mar = OxmlElement("w:tblCellMar")
        tblpr.append(mar)
    for side, width in (("left", 85), ("right", 85)):   # 1.5 mm each side
        cell = OxmlElement(f"w:{side}")
        cell.set(_w("w"), str(width))
        cell.set(_w("type"), "dxa")
        mar.append(cell)
    return style


def _setup_table_styles(doc) -> None:
    _table_style(doc, TABLE_STYLE, ruled=True)
    _table_style(doc, LAYOUT_TABLE_STYLE, ruled=False)


def _page_numbers(doc) -> None:
    """Decree 30: page numbers centred in the top margin, from the second page on."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]
    section.different_first_page_header_footer = True
    par = section.header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = par.add_run()
    run.font.size = Pt(13)
    add_field(run, "PAGE")


def add_field(run, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) inside `run`."""
    from docx.oxml import OxmlElement

    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = f" {text} "
        else:
            el = OxmlElement("w:fldChar")
            el.set(_w("fldCharType"), kind)
        run._r.append(el)
