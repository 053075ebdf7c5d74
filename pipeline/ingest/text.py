"""Text that was OCR'd earlier: decode it (UTF-8, UTF-8 with BOM, UTF-16) or refuse it."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from ..errors import BinaryTextError, TextTooLargeError
from ..model import Page

# The longest text read: about 300 pages of a plan. Restoration costs ~250 bytes of memory per
# character of one unbroken line (README "Bad input"), so this keeps a worker within a few hundred MB.
MAX_TEXT_CHARS = 1_000_000

# Control characters other than tab, newline, carriage return and form feed: a text file has
# almost none of them, a binary file renamed .txt has many.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"}


def decode_text(data: bytes, path: Path) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif _looks_utf16(data):
        encodings = ["utf-16-le" if data[1:2] == b"\0" else "utf-16-be"]
    else:
        encodings = ["utf-8"]
    for enc in encodings:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BinaryTextError(
            "is not UTF-8 or UTF-16 text (binary data or a legacy encoding)", path=path,
            hint="convert it to UTF-8, e.g. `iconv -f CP1258 -t UTF-8`, or give the scan instead")
    controls = sum(1 for ch in text if ch in _CONTROL)
    if controls > max(2, len(text) // 200):
        raise BinaryTextError("holds binary data, not text", path=path,
                              hint="pass the original image or PDF, or the text exported as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    check_length(len(text), path)
    return unicodedata.normalize("NFC", clean_text(text))


# What XML 1.0 cannot hold, and so no DOCX or other XML output could: C0 controls but tab and
# line ends, lone surrogates, U+FFFE and U+FFFF. Removed where text enters (text files, PDF text
# layers); a vertical tab, Word's manual line break in exported text, becomes a line break.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text.replace("\x0b", "\n"))


def check_length(chars: int, path: Path, what: str = "the text") -> None:
    if chars > MAX_TEXT_CHARS:
        raise TextTooLargeError(f"{what} is {chars:,} characters long, over the limit of "
                                f"{MAX_TEXT_CHARS:,} (about 300 pages)", path=path, hint="split it into documents")


def _looks_utf16(data: bytes) -> bool:
    """BOM-less UTF-16 of mostly-Latin text has a NUL in every other byte."""
    sample = data[:2000]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return max(even, odd) > 0.4 * half and min(even, odd) < 0.05 * half


def text_pages(data: bytes, path: Path) -> list[Page]:
    return [Page(number=1, text=decode_text(data, path))]
