"""Vietnamese orthography: syllable structure, tones, and tone-mark placement.

A written syllable is (onset, vowel nucleus with its quality marks, final consonant) plus one of
six tones. The tone mark's position is a convention: `hóa`/`thủy` ("new" here, the style of
today's state documents) or `hoá`/`thuỷ` ("old", older dictionaries). Text is normalised to one
convention so that the language model does not split its counts between the two spellings.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (NFD) and their tone numbers; tone 0 is ngang (no mark).
TONE_MARKS = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
MARK_OF_TONE = {v: k for k, v in TONE_MARKS.items()}

VOWELS = set("aăâeêioôơuưy")
# Letters that carry a quality mark: a tone on a syllable with one of these goes on it.
MARKED_VOWELS = set("ăâêôơư")
LETTERS = set("abcdefghijklmnopqrstuvwxyzđ") | VOWELS

_ONSETS = sorted(["ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
                  "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"],
                 key=len, reverse=True)
FINALS = ["ng", "nh", "ch", "c", "m", "n", "p", "t", "i", "y", "o", "u"]

_WORD = re.compile(r"^[^\W\d_]+$")


def strip_tone(syllable: str) -> tuple[str, int]:
    """('hoa', 2) for 'hoà' or 'hòa': the letters without the tone mark, and the tone."""
    d = unicodedata.normalize("NFD", syllable)
    tone = 0
    kept = []
    for ch in d:
        t = TONE_MARKS.get(ch)
        if t is not None:
            tone = t
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def strip_marks(text: str) -> str:
    """All diacritics off, đ to d: 'Đổi mới' -> 'Doi moi'."""
    d = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in d if not unicodedata.combining(ch)))


def split_syllable(base: str) -> tuple[str, str, str] | None:
    """Split a toneless lower-case syllable into (onset, nucleus, final), or None if it is not
    shaped like a Vietnamese syllable."""
    onset = ""
    for o in _ONSETS:
        if base.startswith(o):
            onset = o
            break
    rest = base[len(onset):]
    # 'gi' before a vowel is an onset; alone ('gì' -> 'gi'), the i is the nucleus.
    if onset == "gi" and (not rest or rest[0] not in VOWELS):
        onset, rest = "g", base[1:]
    if onset == "qu" and not rest:
        return None
    i = 0
    while i < len(rest) and rest[i] in VOWELS:
        i += 1
    nucleus, final = rest[:i], rest[i:]
    if not nucleus:
        return None
    if final and final not in FINALS:
        return None
    # A semivowel final written as a vowel letter ('ai', 'ao', 'ay', 'iu'): move it out of the
    # nucleus so that the tone rules below see the nucleus alone.
    if not final and len(nucleus) >= 2 and nucleus[-1] in "iyou" and not _glide_nucleus(nucleus):
        nucleus, final = nucleus[:-1], nucleus[-1]
    return onset, nucleus, final


def _glide_nucleus(nucleus: str) -> bool:
    """Nuclei whose last letter is part of the nucleus, not a final: oa, oe, uy, uê, ..."""
    return nucleus in {"oa", "oă", "oe", "ua", "uâ", "uê", "uy", "uơ", "ưa", "ia", "ya", "uô",
                       "ươ", "iê", "yê", "uyê", "oo", "ôô"} or nucleus.endswith(("oa", "oe", "uy"))


def tone_position(onset: str, nucleus: str, final: str, style: str = "new") -> int:
    """Index in the nucleus of the letter that carries the tone mark."""
    n = len(nucleus)
    if n == 1:
        return 0
    for i in range(n - 1, -1, -1):
        if nucleus[i] in MARKED_VOWELS:
            # 'ươ', 'uô', 'iê', 'yê', 'uyê': the mark goes on the second (marked) letter.
            return i
    if final:
        return n - 1                            # hoàn, thuyết, quyết
    if nucleus in ("oa", "oe", "uy"):
        return 0 if style == "new" else 1       # hóa / hoá, thủy / thuỷ
    if nucleus in ("ua", "ia", "ưa", "ya"):
        return 0                                # múa, mía
    return n - 1 if n == 3 else 0


def place_tone(syllable: str, style: str = "new") -> str:
    """Rewrite one lower- or mixed-case syllable with its tone mark in the conventional place.
    Anything that does not parse as a Vietnamese syllable comes back unchanged."""
    return _place_tone_cached(syllable, style)


@lru_cache(maxsize=200_000)
def _place_tone_cached(syllable: str, style: str) -> str:
    if not _WORD.match(syllable):
        return syllable
    base, tone = strip_tone(syllable)
    if tone == 0:
        return syllable
    lower = base.lower()
    parts = split_syllable(lower)
    if parts is None:
        return syllable
    onset, nucleus, final = parts
    pos = len(onset) + tone_position(onset, nucleus, final, style)
    ch = base[pos]
    toned = unicodedata.normalize("NFC", ch + MARK_OF_TONE[tone])
    return base[:pos] + toned + base[pos + 1:]


def is_vietnamese_shape(word: str) -> bool:
    base, _ = strip_tone(word.lower())
    return bool(_WORD.match(base)) and all(ch in LETTERS for ch in base) and split_syllable(base) is not None


_TOKEN = re.compile(r"[^\W\d_]+")


def normalise_text(text: str, style: str = "new") -> str:
    """NFC and one tone placement for every syllable of a text."""
    text = unicodedata.normalize("NFC", text)
    return _TOKEN.sub(lambda m: place_tone(m.group(0), style), text)
