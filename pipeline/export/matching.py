"""Matching the items of two documents one-to-one by similarity (targets across years, sections).

Indicator names are compared after folding (lower case, no diacritics, đ -> d, punctuation and
years dropped), because what restoration gets wrong in a name is mostly a tone or a letter, and
plans are reworded a little from one year to the next. The similarity of two names is a weighted
Dice coefficient over their words: words common to many indicators of the two plans ("tỷ lệ",
"sản lượng") weigh less than the ones that tell indicators apart ("lúa", "ngô"), and two words
count as the same when they differ by an OCR slip (`bhyt` / `bhvt`).

`assign` pairs items by the best total score (Hungarian algorithm, small and pure Python): a pair
only counts when its score reaches the threshold, and each item is used at most once.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

SUBSTITUTION_PENALTY = 0.6

_NON_WORD = re.compile(r"[^0-9a-z]+")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_LEADING_NUMBER = re.compile(r"^\s*(?:[0-9ivxlIVXL]+|[a-zđ])\s*[.)\-–:]\s+")


def fold(text: str | None) -> str:
    """'Tỷ lệ bao phủ BHYT năm 2025' -> 'ty le bao phu bhyt'."""
    if not text:
        return ""
    text = _LEADING_NUMBER.sub("", unicodedata.normalize("NFC", text))
    # Vietnamese has no w: in a name it is ư misread by an English OCR model ("ngwoi" người).
    text = text.lower().replace("đ", "d").replace("w", "u")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    text = _YEAR.sub(" ", text)
    return " ".join(_unglyph(w) for w in _NON_WORD.sub(" ", text).split())


def _unglyph(word: str) -> str:
    """`1e` -> `le`, `t0ng` -> `tong`, `d6ng` -> `dong`: inside words, OCR reads l as 1, o as 0,
    and (the English model on Vietnamese) ô/ồ/ố as 6."""
    if word.isdigit() or not any(ch.isdigit() for ch in word):
        return word
    return word.translate(_GLYPHS)


_GLYPHS = str.maketrans({"1": "l", "0": "o", "6": "o"})


def words(text: str | None) -> tuple[str, ...]:
    return tuple(fold(text).split())


class WordWeights:
    """Inverse document frequency of words over a set of names: rarer words weigh more."""

    def __init__(self, names: list[tuple[str, ...]]):
        self.n = max(1, len(names))
        self.df = Counter(w for name in names for w in set(name))

    def __call__(self, word: str) -> float:
        return math.log(1.0 + self.n / (1 + self.df.get(word, 0)))


def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 3 or a.isdigit() or b.isdigit():
        return 0.0          # short words and numbers must match exactly ("lo" / "lon", "5" / "6")
    from rapidfuzz.distance import Levenshtein
    sim = Levenshtein.normalized_similarity(a, b)
    return sim if sim >= 0.75 else 0.0


def name_similarity(a: tuple[str, ...], b: tuple[str, ...], weight) -> float:
    """Weighted soft Dice coefficient of two folded names, 0..1."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    sa, sb = list(dict.fromkeys(a)), list(dict.fromkeys(b))

    def covered(xs, ys):
        return sum(weight(x) * max(_word_similarity(x, y) for y in ys) for x in xs)

    wa, wb = sum(weight(x) for x in sa), sum(weight(y) for y in sb)
    ca, cb = covered(sa, sb), covered(sb, sa)
    dice = (ca + cb) / (wa + wb)
    # Words added or dropped are rewording ("Tổng sản lượng" / "Sản lượng"); a word replaced on
    # both sides is more often another indicator ("Sản lượng ngô" / "Sản lượng lúa").
    replaced = min(1 - ca / wa, 1 - cb / wb)
    dice -= SUBSTITUTION_PENALTY * replaced
    # Word order matters a little: "hộ nghèo giảm" reads like "giảm hộ nghèo", but a name whose
    # letters mostly agree in order is more surely the same than a bag of shared words.
    from rapidfuzz import fuzz
    chars = fuzz.ratio(" ".join(a), " ".join(b)) / 100.0
    return 0.85 * dice + 0.15 * chars


def assign(scores: list[list[float]], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (i, j, score) maximising the total of (score - threshold) over pairs
    whose score reaches `threshold`. Rows or columns left out are unmatched."""
    n = len(scores)
    m = len(scores[0]) if n else 0
    if not n or not m:
        return []
    transpose = n > m
    if transpose:
        scores = [list(col) for col in zip(*scores)]
        n, m = m, n
    # Cost of pairing i with j: minus its gain; each row also has its own "no match" column
    # of cost 0, so a pair below the threshold (positive cost) is never preferred to none.
    big = 1.0
    cost = [[(threshold - s if s >= threshold else big) for s in row] + [0.0 if k == i else big * 2 for k in range(n)]
            for i, row in enumerate(scores)]
    cols = _hungarian(cost)
    pairs = []
    for i, j in enumerate(cols):
        if j < m and scores[i][j] >= threshold:
            pairs.append((j, i, scores[i][j]) if transpose else (i, j, scores[i][j]))
    return sorted(pairs)


def _hungarian(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment of n rows to distinct columns of an n x m matrix (n <= m):
    the column of each row. The classic O(n^2 m) shortest augmenting path method."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)        # p[j]: row matched to column j (1-based, 0 = none)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            row = cost[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    cols = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            cols[p[j] - 1] = j - 1
    return cols
