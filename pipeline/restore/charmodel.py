"""Character-level OCR channel: how likely the OCR wrote `o` when the page said syllable `s`.

Each source letter emits a string of 0-3 characters (`ư` -> `u`, `ớ` -> `é` or `d`, `ứ` -> `ir`,
`ổ` -> `6`, `đ` -> `d`); P(o | s) is the best way to cut `o` into the emissions of the letters of
`s` (Viterbi). Emission probabilities are learned from aligned pairs (build_channel.py) and
smoothed Witten-Bell style: a letter's own counts, then the counts of its letter family (the same
letter under any tone: `ổ` and `ố` share what they know), then a generic edit prior.

Virtual letters `^` and `$` at either end emit stray characters that OCR adds around a word.
"""
from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from functools import lru_cache

from .vietnamese import strip_marks, strip_tone

MAX_EMIT = 3
START, END = "^", "$"


def family(ch: str) -> str:
    """The letter without its tone mark (ổ -> ô); ^ and $ are their own family."""
    if ch in (START, END):
        return ch
    return strip_tone(ch)[0] or ch


def base(ch: str) -> str:
    """The bare Latin letter (ổ -> o, đ -> d); for OCR characters too (é -> e)."""
    return strip_marks(ch).lower() or ch


VOWEL_BASES = set("aeiouy")
# Characters an English model writes for a Vietnamese vowel it cannot read (seen in real scans:
# t& tế, d@)ng đồng, hi¢n hiện, nhi€ém nhiệm, ¥ ý, N§i Nội).
LOOKALIKES = set("0123456789&@¢€§¥£®©$%*")
# What an engine writes for a letter it could not read at all: gocr and ocrad write `_`, others
# `?`. Stacked Vietnamese marks are what they fail on, so these stand mostly for vowels and đ.
UNREAD_MARKS = set("_?")


def generic_p(sc: str, e: str) -> float:
    """A generic edit model: what any OCR might do to a letter, learned from nothing.

    It is the base of the smoothing for emissions never seen in training, and a small share of
    every emission (GENERIC_SHARE), so that a confusion a new kind of scan makes but the
    training pages never did (`tập` read as `tip`) is unlikely, not impossible."""
    if sc in (START, END):
        return 0.97 if e == "" else 0.03 * (1 / 60) ** len(e)
    if e == "":
        return 0.03
    b = base(sc)
    if e in UNREAD_MARKS:
        return 0.10 if (b in VOWEL_BASES or sc in "đĐ") else 0.03
    if len(e) == 1:
        eb = base(e)
        if eb == b:
            return 0.45
        if b in VOWEL_BASES and eb in VOWEL_BASES:
            return 0.15 / 5
        if b in VOWEL_BASES and e in LOOKALIKES:
            return 0.10 / len(LOOKALIKES)
        if eb.isalpha() and b not in VOWEL_BASES and eb not in VOWEL_BASES:
            return 0.10 / 20
        return 0.002
    if len(e) == 2:
        return (0.10 if b in (base(e[0]), base(e[1])) else 0.02) / 3600
    return 0.01 / 216000


GENERIC_SHARE = {"eng": 0.03, "vie": 0.005}


class CharModel:
    """Emission counts -> smoothed log-probabilities, and the Viterbi scorer."""

    def __init__(self, counts: dict[tuple[str, str], float], generic_share: float = 0.03):
        self.counts = counts
        self.generic_share = generic_share
        self.by_char: dict[str, dict[str, float]] = defaultdict(dict)
        self.by_family: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for (sc, e), c in counts.items():
            self.by_char[sc][e] = c
            self.by_family[family(sc)][e] += c
        self.total = {sc: sum(d.values()) for sc, d in self.by_char.items()}
        self.ftotal = {f: sum(d.values()) for f, d in self.by_family.items()}
        self.types = {sc: len(d) for sc, d in self.by_char.items()}
        self.ftypes = {f: len(d) for f, d in self.by_family.items()}
        self._cache: dict[tuple[str, str], float] = {}

    # Witten-Bell: P(e|sc) = (c(sc,e) + T(sc) P(e|family)) / (c(sc) + T(sc))
    def emit_logp(self, sc: str, e: str) -> float:
        key = (sc, e)
        got = self._cache.get(key)
        if got is None:
            f = family(sc)
            p_prior = generic_p(sc, e)
            ft, fn = self.ftotal.get(f, 0.0), self.ftypes.get(f, 0)
            p_fam = (self.by_family[f].get(e, 0.0) + fn * p_prior) / (ft + fn) if ft else p_prior
            t, n = self.total.get(sc, 0.0), self.types.get(sc, 0)
            p = (self.by_char[sc].get(e, 0.0) + n * p_fam) / (t + n) if t else p_fam
            p = (1 - self.generic_share) * p + self.generic_share * p_prior
            got = self._cache[key] = math.log(max(p, 1e-30))
        return got

    def logp(self, o: str, s: str) -> float:
        """log P(o | s) of the best segmentation (o, s lower-case NFC strings)."""
        return _viterbi(self, o, s)[0]

    def align(self, o: str, s: str) -> list[tuple[str, str]]:
        """The best segmentation as (source letter, emitted string) pairs, ^ and $ included."""
        return _viterbi(self, o, s)[1]

    def top_emissions(self, sc: str, min_logp: float, limit: int = 12) -> list[tuple[str, float]]:
        """Likely emissions of a letter (seen ones, plus identity and its bare letter)."""
        seen = set(self.by_char.get(sc, {})) | set(self.by_family.get(family(sc), {}))
        seen |= {sc, base(sc), ""} if sc not in (START, END) else {""}
        scored = sorted(((e, self.emit_logp(sc, e)) for e in seen), key=lambda x: -x[1])
        return [(e, lp) for e, lp in scored if lp >= min_logp][:limit]


def _viterbi(model: CharModel, o: str, s: str):
    src = START + s + END
    n = len(o)
    NEG = -1e18
    best = [NEG] * (n + 1)
    best[0] = 0.0
    back: list[list] = []
    for sc in src:
        new = [NEG] * (n + 1)
        ptr = [None] * (n + 1)
        for j in range(n + 1):
            b = best[j]
            if b <= NEG:
                continue
            for k in range(0, min(MAX_EMIT, n - j) + 1):
                v = b + model.emit_logp(sc, o[j:j + k])
                if v > new[j + k]:
                    new[j + k] = v
                    ptr[j + k] = j
        back.append(ptr)
        best = new
    if best[n] <= NEG:
        return -1e9, []
    # trace back
    path, j = [], n
    for i in range(len(src) - 1, -1, -1):
        pj = back[i][j]
        path.append((src[i], o[pj:j]))
        j = pj
    path.reverse()
    return best[n], path


@lru_cache(maxsize=None)
def nfc_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()
