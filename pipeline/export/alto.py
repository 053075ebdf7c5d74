"""`<name>.alto.xml`: ALTO 4.4, the layout and the restored text of every page, word by word.

    write_alto(restored, "out/scan.alto.xml", source_name="scan.pdf", plan=plan)

One `Page` per page read from an image or a PDF (pixels of the upright page frame, as in
pipeline.model: MeasurementUnit `pixel`), a `TextBlock` per run of lines of one block
(Tesseract's blocks: a column, a header cell), a `TextLine` per line and a `String` per word of
the restored text, in reading order: CONTENT is the restored word, WC the restorer's confidence
in it (0..1), and where restoration changed the word an `ALTERNATIVE` (PURPOSE="OCR") holds what
the OCR or the old text layer had. `SP` elements stand between words. Like the PDF, it needs
only the RestoredText, so a review step can rewrite it from corrected words.

Validated in the tests against the official schema shipped beside this module
(alto/alto-4-4.xsd; alto/SOURCE.md).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..errors import OutputError
from ..model import Box, RestoredText, union_of

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA_LOCATION = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"


def schema_path() -> Path:
    """The ALTO 4.4 schema (it imports xlink.xsd, beside it)."""
    return Path(str(resources.files("pipeline.export").joinpath("alto/alto-4-4.xsd")))


def _pos(box: Box | None) -> str:
    if box is None:
        return ""
    return f' HPOS="{box.x0}" VPOS="{box.y0}" WIDTH="{box.width}" HEIGHT="{box.height}"'


def alto_xml(restored: RestoredText, *, source_name: str | None = None, plan=None) -> str:
    from .. import __version__
    from .pdf import pages_with_images

    pages = pages_with_images(restored)
    if not pages:
        raise ValueError("ALTO needs pages read from an image or a PDF")
    by_page: dict[int, list[list]] = {p.number: [] for p in pages}
    current = None
    for word in restored.words():
        if word.page not in by_page:
            continue
        if current is None or current[0] != (word.page, word.line):
            current = ((word.page, word.line), [])
            by_page[word.page].append(current)
        current[1].append(word)

    ocr = (plan.source.ocr or {}) if plan is not None else {}
    engine = " ".join(v for v in (ocr.get("engine"), ocr.get("lang")) if v)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<alto xmlns="{ALTO_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{ALTO_NS} {ALTO_SCHEMA_LOCATION}" SCHEMAVERSION="4.4">',
           "<Description>", "<MeasurementUnit>pixel</MeasurementUnit>"]
    if source_name:
        out.append(f"<sourceImageInformation><fileName>{_text(source_name)}</fileName></sourceImageInformation>")
    out += ['<Processing ID="sohoa"><processingCategory>contentGeneration</processingCategory>',
            "<processingStepDescription>"
            + _text("OCR" + (f" ({engine})" if engine else "") + " or the PDF text layer, then Vietnamese "
                    "restoration; CONTENT is the restored word, ALTERNATIVE what was read")
            + "</processingStepDescription>",
            f"<processingSoftware><softwareName>sohoa</softwareName><softwareVersion>{__version__}"
            "</softwareVersion></processingSoftware></Processing>",
            "</Description>", "<Layout>"]
    for info in pages:
        p = f"p{info.number}"
        out.append(f'<Page ID="{p}" PHYSICAL_IMG_NR="{info.number}" WIDTH="{info.width}" HEIGHT="{info.height}"'
                   f' PROCESSING="sohoa" LANG="vi">')
        out.append(f'<PrintSpace ID="{p}_ps" HPOS="0" VPOS="0" WIDTH="{info.width}" HEIGHT="{info.height}">')
        blocks: list[list] = []
        for key, words in by_page[info.number]:
            block = restored.lines[key[1]].block
            if not blocks or blocks[-1][0] != block:
                blocks.append((block, []))
            blocks[-1][1].append(words)
        for bi, (_, lines) in enumerate(blocks, 1):
            b = f"{p}_b{bi}"
            out.append(f'<TextBlock ID="{b}"{_pos(union_of(w.box for ws in lines for w in ws))}>')
            for li, words in enumerate(lines, 1):
                ln = f"{b}_l{li}"
                out.append(f'<TextLine ID="{ln}"{_pos(union_of(w.box for w in words))}>')
                for wi, w in enumerate(words, 1):
                    if wi > 1:
                        prev = words[wi - 2].box
                        if prev is not None and w.box is not None and w.box.x0 > prev.x1:
                            out.append(f'<SP HPOS="{prev.x1}" VPOS="{min(prev.y0, w.box.y0)}" '
                                       f'WIDTH="{w.box.x0 - prev.x1}"/>')
                        else:
                            out.append("<SP/>")
                    attrs = f'ID="{ln}_w{wi}" CONTENT={quoteattr(w.text)}{_pos(w.box)} WC="{w.confidence:.3f}"'
                    if w.changed:
                        out.append(f"<String {attrs}><ALTERNATIVE PURPOSE=\"OCR\">{_text(w.original)}"
                                   "</ALTERNATIVE></String>")
                    else:
                        out.append(f"<String {attrs}/>")
                out.append("</TextLine>")
            out.append("</TextBlock>")
        out.append("</PrintSpace>")
        out.append("</Page>")
    out += ["</Layout>", "</alto>", ""]
    return "\n".join(out)


def _text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_alto(restored: RestoredText, dest: str | Path, *, source_name: str | None = None, plan=None) -> Path:
    """Write the ALTO of `restored` to `dest`, atomically."""
    from .atomic import write_text

    try:
        xml = alto_xml(restored, source_name=source_name, plan=plan)
    except ValueError:
        raise OutputError("has no page images to describe in ALTO (a text input)", path=dest,
                          hint="ALTO output is for scans and PDFs; use txt, docx or json") from None
    return write_text(dest, xml)


def validate_alto(path: str | Path) -> None:
    """Validate an ALTO file against the shipped ALTO 4.4 schema, offline (needs `xmlschema`,
    a test dependency). Raises xmlschema.XMLSchemaValidationError when it does not conform."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(schema_path()), allow="sandbox",
                                 locations={"http://www.w3.org/1999/xlink": str(schema_path().with_name("xlink.xsd"))})
    schema.validate(str(path))
