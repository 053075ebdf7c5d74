"""The end of a document: "Nơi nhận:" and its list of recipients.

The recipients sit in the left column and the signature in the right one, so OCR may put the
signer's title on a recipient's line ("- UBND huyện; TM. ỦY BAN NHÂN DÂN") or between the
items. Signature pieces are cut off each line; a line without a dash continues the item above
unless that item had ended with ";".
"""
from __future__ import annotations

import re

from .header import is_person_name
from .layout import Line
from .lexicon import lexicon
from .text import fold, is_upper_text, squash

_RECIPIENTS = re.compile(r"^\s*[-–—•*]?\s*noi\s+nhan\s*[:.;]?", re.I)
_ITEM = re.compile(r"^\s*[-–—•+*∙·~]\s*")           # "~": a dash as OCR often reads it


def find_recipients(lines: list[Line], start: int) -> int | None:
    """Index of the "Nơi nhận:" line at or after `start`, or None."""
    for i in range(start, len(lines)):
        if "nhan" in lines[i].folded and _RECIPIENTS.match(lines[i].folded):
            return i
    return None


def _cut_signature(text: str) -> str:
    """A recipient's line without signature text that OCR ran into it."""
    lex = lexicon()
    folded = fold(text)
    cut = len(text)
    m = lex.rx("header", "sign_prefix").search(folded)
    if m and m.start() > 0:
        cut = m.start()
    for r in lex.rx("header", "role").finditer(folded):
        piece = text[r.start():r.end()]
        if r.start() > 0 and is_upper_text(piece) and text[:r.start()].rstrip().endswith((";", ".", ",")):
            cut = min(cut, r.start())
    return text[:cut]


def read_recipients(lines: list[Line], at: int, end: int, skip: set[int],
                    cut: dict[int, int] | None = None) -> list[str]:
    """The recipients after the "Nơi nhận:" line `at`, up to `end`, leaving out the signature
    lines in `skip` and, on a line that holds both columns, its words from `cut[line]` on (the
    signature's part, found by layout)."""
    cut = cut or {}

    def text_of(i: int) -> str:
        text = lines[i].text
        return " ".join(text.split()[:cut[i]]) if i in cut else text

    items: list[str] = []
    open_item = False
    first_text = text_of(at)
    first = _RECIPIENTS.sub("", fold(first_text), count=1)
    head = first_text[len(first_text) - len(first):] if first.strip() else ""
    pending = [head] if head.strip() else []
    for i in range(at + 1, end):
        if i in skip or lines[i].skip:
            continue
        pending.append(text_of(i))
    for raw in pending:
        text = _cut_signature(raw).strip()
        if not text:
            continue
        bullet = _ITEM.match(text)
        if not bullet and (is_upper_text(text) or is_person_name(text) or fold(text).startswith("(da ky")):
            open_item = False
            continue
        body = text[bullet.end():] if bullet else text
        if bullet or not items:
            items.append(body)
        elif open_item:
            items[-1] = items[-1] + " " + body
        else:
            break                       # the list has ended (an annex or the body follows)
        open_item = not body.rstrip().endswith((";", "."))
    return [squash(x).rstrip(" ;.,") for x in items if squash(x).rstrip(" ;.,")]
