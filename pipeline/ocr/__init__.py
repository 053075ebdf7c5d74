"""ocr: Document pages -> RawText (lines with Tesseract word confidences).

Text pages (a .txt source, a PDF page with a text layer) pass through; image pages are read
by Tesseract. A blank line separates Tesseract's paragraphs, as in its plain-text output.
"""
from __future__ import annotations

import unicodedata

from ..model import Document, RawLine, RawText

DEFAULT_LANG = "vie"


def words_to_lines(words, page_number: int) -> list[RawLine]:
    """Group Tesseract words into lines, with a blank line between paragraphs."""
    lines: list[RawLine] = []
    key_prev = None
    current: list = []

    def flush():
        if current:
            lines.append(RawLine(text=" ".join(w.text for w in current), page=page_number,
                                 confidences=[w.conf for w in current]))

    for w in words:
        key = (w.block, w.par, w.line)
        if key != key_prev:
            flush()
            if key_prev is not None and key[:2] != key_prev[:2]:
                lines.append(RawLine(text="", page=page_number, confidences=[]))
            current = []
            key_prev = key
        current.append(w)
    flush()
    for line in lines:
        line.text = unicodedata.normalize("NFC", line.text)
    return lines


def recognise(document: Document, *, lang: str = DEFAULT_LANG, psm: int = 3) -> RawText:
    """Text of every page of the document, OCR'ing the pages that are images."""
    from . import tesseract

    lines: list[RawLine] = []
    engine = None
    for page in document.pages:
        if lines:
            lines.append(RawLine(text="", page=page.number, confidences=[]))
        if page.image is None:
            lines.extend(RawLine(text=t, page=page.number) for t in (page.text or "").split("\n"))
            continue
        engine = tesseract.tesseract_version()
        words = tesseract.read_words(page.image, lang=lang, psm=psm, dpi=page.dpi,
                                     source=str(document.path))
        lines.extend(words_to_lines(words, page.number))
    return RawText(lines=lines, ocr_engine=engine, ocr_lang=lang if engine else None)
