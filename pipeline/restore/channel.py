"""The OCR channel at run time: candidate syllables for an OCR token, with log P(token | syllable).

Tables per OCR condition (`eng`: legacy English-model OCR; `vie`: Tesseract Vietnamese), all
learned by dictionaries/build/build_channel.py from rendered pages:
- candidates.npz, an inverse table from the hash of an OCR string to the syllables that render
  as it, with the blended probability (observed pair counts smoothed by the letter model);
- channel-<kind>.tsv, the letter model (charmodel.py), which scores strings the inverse table
  lacks: syllables whose bare letters are within two edits of the token (rapidfuzz shortlist);
- initials-<kind>.tsv, how a capital first letter is misread (`Đoàn` as `Poadn`), which the
  lower-case letter model cannot see.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from pathlib import Path

import numpy as np

from .charmodel import GENERIC_SHARE, CharModel, base
from .fuzzy import Variants
from .vietnamese import strip_marks

# P(o|s) = lam P_observed(o|s) + (1 - lam) P_char(o|s), lam = c(s) / (c(s) + K) but at most
# LAMBDA_MAX: observed whole-token readings add what the letter model misses, yet the letter
# model always keeps a share, because real archive scans misread in ways the rendered training
# pages did not, and a common word's unobserved readings must not become hopeless.
BLEND_K = 20.0
LAMBDA_MAX = 0.7
LOGP_QUANT = 100.0
# Run the letter-model fallback unless the table already offers a plausible word: one whose
# log P(o|s) + log P(s) reaches this (common words read plainly score about -6 to -11).
FALLBACK_BELOW = -13.0
FALLBACK_SCORED = 30       # at most this many shortlisted words are scored by the letter model
VARIANTS_SEARCHED = 2      # variants of a token searched within one edit; the others must spell a syllable


def rendering_hash(text: str) -> int:
    """A stable 64-bit hash of an OCR string (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def blend_logp(observed: int, total: int, lp_char: float) -> float:
    if not total:
        return lp_char
    lam = min(total / (total + BLEND_K), LAMBDA_MAX)
    return math.log(lam * observed / total + (1 - lam) * math.exp(lp_char))


def _esc(x: str) -> str:
    return x.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") if x else "\\0"


def _unesc(x: str) -> str:
    if x == "\\0":
        return ""
    return x.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")


def write_counts(path: Path, counts, what: str) -> None:
    """A count table as TSV: `a<TAB>b<TAB>count` (\\0 = empty string), a comment saying what it is."""
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {what}\n")
        for (a, b), c in rows:
            f.write(f"{_esc(a)}\t{_esc(b)}\t{c}\n")


def read_counts(path: Path) -> dict[tuple[str, str], int]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b, c = line.rstrip("\n").split("\t")
            out[(_unesc(a), _unesc(b))] = int(c)
    return out


class SyllableIndex:
    """The words restoration may output, grouped by their bare letters (for the fallback)."""

    def __init__(self, vocab: list[str], candidate_ids: np.ndarray, unigram: np.ndarray):
        self.vocab = vocab
        self.unigram = unigram
        self.ids = candidate_ids
        groups: dict[str, list[int]] = {}
        for i in candidate_ids.tolist():
            groups.setdefault(strip_marks(vocab[i]), []).append(i)
        self.groups = groups
        self.keys = list(groups)

    def near(self, key: str, max_dist: int = 2, limit: int = 12) -> list[int]:
        """Words whose bare letters are within max_dist edits of `key` (bare letters too)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        hits = process.extract(key, self.keys, scorer=Levenshtein.distance,
                               score_cutoff=max_dist, limit=limit)
        return [i for key, _d, _ in hits for i in self.groups[key]]


class Channel:
    """Candidates for OCR tokens of one condition."""

    def __init__(self, kind: str, folder: Path, index: SyllableIndex, tables):
        self.kind = kind
        self.index = index
        self.vocab = index.vocab
        self.model = CharModel(read_counts(folder / f"channel-{kind}.tsv"), GENERIC_SHARE[kind])
        self.syllable_total: Counter = Counter()
        self.observed = read_counts(folder / f"confusions-{kind}.tsv")
        for (s, _o), c in self.observed.items():
            self.syllable_total[s] += c
        self.initials = self._read_initials(folder / f"initials-{kind}.tsv")
        self.lookalike = self._lookalikes(self.model)
        self.variants = Variants(self.model)
        self.hashes = tables[f"{kind}_hash"]
        self.ids = tables[f"{kind}_id"]
        self.logps = -(tables[f"{kind}_logp"].astype(np.float32) / LOGP_QUANT)
        self._cache: dict[str, list[tuple[int, float]]] = {}

    @staticmethod
    def _lookalikes(model: CharModel) -> dict[int, str]:
        """Digits and symbols mapped to the bare letter they most often stand for (6 -> o,
        4 -> a, 1 -> l, & -> e), from the letter model: the fallback's shortlist compares bare
        letters, and `t6` is then as close to `to` as `tô` is."""
        votes: dict[str, Counter] = {}
        for (sc, e), c in model.counts.items():
            if len(e) == 1 and not e.isalpha() and not e.isspace() and sc not in "^$":
                votes.setdefault(e, Counter())[base(sc)] += c
        return {ord(e): v.most_common(1)[0][0] for e, v in votes.items()}

    @staticmethod
    def _read_initials(path: Path) -> dict[str, list[tuple[str, float]]]:
        """OCR capital -> [(source capital, log P(ocr | source) - log P(usual reading | source))]."""
        if not path.exists():
            return {}
        counts = read_counts(path)
        totals: Counter = Counter()
        for (src, _ocr), c in counts.items():
            totals[src] += c
        out: dict[str, list[tuple[str, float]]] = {}
        for (src, ocr), c in counts.items():
            usual = counts.get((src, base(src).upper()), 0)
            if base(ocr) != base(src) and c >= 3 and usual:
                out.setdefault(ocr, []).append((src, math.log(c / usual)))
        return out

    def candidates(self, o: str, cased: str | None = None) -> list[tuple[int, float]]:
        """(syllable id, log P(o | syllable)) for a lower-cased OCR token, best first.
        `cased` is the token as written, when its first letter is a capital."""
        key = o if cased is None else cased
        got = self._cache.get(key)
        if got is None:
            got = self._lookup(o)
            uni = self.index.unigram
            # Vietnamese OCR mostly reads a word as it is: a token the table knows well needs
            # no search (its tone variants are in the table already)
            known = self.kind == "vie" and got and max(lp for _, lp in got) > -1.0
            if not known and (not got or max(lp + uni[i] for i, lp in got) < FALLBACK_BELOW):
                got = _merge(got, self._fallback(o))
            if cased is not None and cased[:1] in self.initials:
                got = _merge(got, self._capital_misreads(cased))
            got.sort(key=lambda c: -c[1])
            self._cache[key] = got
        return got

    def _lookup(self, o: str) -> list[tuple[int, float]]:
        h = np.uint64(rendering_hash(o))
        lo = int(np.searchsorted(self.hashes, h, side="left"))
        hi = int(np.searchsorted(self.hashes, h, side="right"))
        return [(int(self.ids[k]), float(self.logps[k])) for k in range(lo, hi)]

    def _score(self, o: str, i: int) -> float:
        s = self.vocab[i]
        return blend_logp(self.observed.get((s, o), 0), self.syllable_total.get(s, 0), self.model.logp(o, s))

    def _fallback(self, o: str) -> list[tuple[int, float]]:
        key = strip_marks(o).translate(self.lookalike)
        # the token with its multi-letter misreadings undone (fuzzy.py): what they spell first
        first: list[int] = []
        for k, (variant, _cost) in enumerate(self.variants.of(o, self.lookalike)):
            found = self.index.groups.get(variant, []) if k >= VARIANTS_SEARCHED else self.index.near(variant, 1, 6)
            first += [i for i in found if i not in first]
        near = [i for i in self.index.near(key) if i not in set(first)]
        first = first[:FALLBACK_SCORED // 2]
        if len(first) + len(near) > FALLBACK_SCORED:   # the letter model is slow: the commonest words
            uni = self.index.unigram
            near = sorted(near, key=lambda i: -uni[i])[:FALLBACK_SCORED - len(first)]
        return [(i, self._score(o, i)) for i in first + near]

    def _capital_misreads(self, cased: str) -> list[tuple[int, float]]:
        """`Poadn` -> candidates of `doadn` starting with đ, scored with how often Đ reads as P."""
        out = []
        for src, penalty in self.initials.get(cased[0], []):
            alt = base(src) + cased[1:].lower()
            first = src.lower()
            for i, lp in self.candidates(alt):
                if self.vocab[i].startswith(first):
                    out.append((i, lp + penalty))
        return out


def _merge(a, b):
    best: dict[int, float] = {}
    for i, lp in list(a) + list(b):
        if lp > best.get(i, -1e9):
            best[i] = lp
    return list(best.items())
