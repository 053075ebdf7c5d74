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
FINALS = ["ng", "nh", "ch", "c", "m", "n", "p", "t", "k", "i", "y", "o", "u"]

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


# The rhymes (vần: vowel nucleus + final) of Vietnamese orthography, toneless. A corpus holds
# broken tokens too (`đượ`, `têở` from PDF extraction); restoration only ever outputs syllables
# whose rhyme is here and whose tone suits the final (c, ch, p, t take only sắc or nặng).
RHYMES = frozenset("""
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it
iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot oong ooc
oa oai oao oay oac oach oam oan oang oanh oap oat
oăc oăm oăn oăng oăt
oe oeo oen oet
ô ôi ôc ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua ui uc um un ung up ut
uân uâng uât uây
uê uêch uênh
uôc uôi uôm uôn uông uôt
uơ
uy uya uyu uych uynh uyt uyp
uyên uyêt
ư ưa ưi ưu ưc ưm ưn ưng ưt
ươi ươu ươc ươm ươn ương ươp ươt
y yêm yên yêng yêt yêu
ak ăk âk ek êk ok ôk uk
""".split())   # the k finals: place names of the Central Highlands (Đắk Lắk, Krông Búk)
STOP_FINALS = ("c", "ch", "p", "t", "k")


@lru_cache(maxsize=1 << 16)     # asked of every word several times (condition, English words, unsure)
def is_valid_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable (any case): a known rhyme, a tone its final allows."""
    base, tone = strip_tone(word.lower())
    if not _WORD.match(base) or not all(ch in LETTERS for ch in base):
        return False
    parts = split_syllable(base)
    if parts is None:
        return False
    onset, _nucleus, final = parts
    rhyme = base[len(onset):]
    # the i of gi and the u of qu also belong to the rhyme: giếng (iêng), quỳnh (uynh)
    if rhyme not in RHYMES and not (onset in ("gi", "qu") and onset[1] + rhyme in RHYMES):
        return False
    return not (final in STOP_FINALS and tone not in (1, 5))
