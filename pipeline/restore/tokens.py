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
    word: int = 0         # which whitespace-separated word of the line it is (or is part of)
    word_start: int = 0   # offset of that word in the line


# Icelandic eth, which OCR engines write for Đ (348/ÐA-CP): never Vietnamese, always Đ.
# Restoration reads every line through this table (and so does the parser, pipeline.parse).
ETH_TO_D = str.maketrans({"Ð": "Đ", "ð": "đ"})


# A word chain: words (or a number, a percentage, first) joined by slashes, none of them an
# abbreviation in capitals nor a single letter: "đồng/người/năm", "6,6%/năm", "tạ/ha",
# "tổ/xóm/ấp/thôn", "Vận tải/Tổng cục" (and their legacy readings, "déng/ngudi/nam",
# "t6/x6m/ap/th6n"). Its words are words, so they are restored one by one. Codes keep capitals
# or hyphens (26-CT/TU, KH/UBND, 27/CT-TTg) and abbreviations single letters (b/c, V/v): they
# stay whole.
_WORD_CHAIN = re.compile(r"^(?:\d+(?:[.,]\d+)*%?|[^\W_]{2,})(?:/[^\W_]{2,})+$")


def _is_word_part(part: str) -> bool:
    return any(c.isalpha() for c in part) and not part.isupper()


def _is_word_chain(core: str) -> bool:
    if not _WORD_CHAIN.match(core):
        return False
    first, *rest = core.split("/")
    return all(_is_word_part(p) for p in rest) and (_is_word_part(first) or not any(c.isalpha() for c in first))


def split_line(line: str) -> list[Piece]:
    pieces = []
    for wi, m in enumerate(_WORD.finditer(line)):
        word = m.group(0)
        i, j = 0, len(word)
        while i < j and word[i] in LEADING:
            i += 1
        while j > i and word[j - 1] in TRAILING:
            j -= 1
        core = word[i:j]
        if "/" in core and _is_word_chain(core):
            parts = core.split("/")
            at = m.start() + i
            for k, part in enumerate(parts):
                prefix = word[:i] if k == 0 else ""
                suffix = "/" if k < len(parts) - 1 else word[j:]
                pieces.append(Piece(at, at + len(part), part, prefix, suffix, wi, m.start()))
                at += len(part) + 1
            continue
        pieces.append(Piece(m.start() + i, m.start() + j, core, word[:i], word[j:], wi, m.start()))
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
