"""Splitting a line into words the restorer can work on, keeping every character's place.

A word is a run of non-space characters. Punctuation at its edges (quotes, brackets, commas,
full stops) is split off and kept as it was; what remains is the core that restoration may
rewrite. Characters inside a core are kept even when they look like punctuation: legacy OCR
writes Vietnamese letters as `@`, `¢`, `€`, `)` (`d@)ng` is đồng).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")
# Edge punctuation that is never part of a word.
LEADING = "\"'“”‘’«»([{<*•·-–—…"
TRAILING = "\"'“”‘’«»)]}>,.;:!?…*-–—/"


@dataclass(frozen=True)
class Piece:
    start: int        # offset of the core in the line
    end: int
    core: str
    prefix: str
    suffix: str


def split_line(line: str) -> list[Piece]:
    pieces = []
    for m in _WORD.finditer(line):
        word = m.group(0)
        i, j = 0, len(word)
        while i < j and word[i] in LEADING:
            i += 1
        while j > i and word[j - 1] in TRAILING:
            j -= 1
        pieces.append(Piece(m.start() + i, m.start() + j, word[i:j], word[:i], word[j:]))
    return pieces


# ---------------------------------------------------------------------------------------------
# Language-model tokens. The LM is trained and queried on the same token stream: lower-cased,
# tone-normalised words; numbers and codes as classes; punctuation marks as tokens of their own,
# because "năm <num>", "ngày <num>" and "số <code>" are strong context.

NUM = "<num>"
CODE = "<code>"
UNK = "<unk>"
BOS = "<s>"
EOS = "</s>"

PUNCT_CLASS = {",": ",", ".": ".", ";": ";", ":": ":", "(": "(", ")": ")", "[": "(", "]": ")",
               '"': '"', "“": '"', "”": '"', "'": '"', "‘": '"', "’": '"', "«": '"', "»": '"',
               "-": "-", "–": "-", "—": "-", "!": ".", "?": ".", "…": ".", "/": "/"}

_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*%?$")


def punct_tokens(text: str) -> list[str]:
    """The punctuation tokens of a word's edge ('),' -> [')', ','])."""
    out: list[str] = []
    for ch in text:
        t = PUNCT_CLASS.get(ch)
        if t and (not out or out[-1] != t):
            out.append(t)
    return out


def core_class(core: str) -> str | None:
    """None for a word of letters (the word itself is the token), else <num> or <code>."""
    if core.isalpha():
        return None
    if _NUMBER.match(core):
        return NUM
    return CODE
