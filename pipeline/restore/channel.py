"""The OCR channel at run time: candidate syllables for an OCR token, with log P(token | syllable).

Two tables per OCR condition (`eng`: legacy English-model OCR; `vie`: Tesseract Vietnamese),
both learned by dictionaries/build/build_channel.py from rendered pages:
- candidates.npz, an inverse table from the hash of an OCR string to the syllables that render
  as it, with the blended probability (observed pair counts smoothed by the letter model);
- for strings not in that table, a fallback: syllables whose bare letters are within two edits
  of the token (rapidfuzz), scored by the letter model (charmodel.py).
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from .charmodel import CharModel
from .vietnamese import strip_marks

# Smoothing of observed pair counts by the letter model: P(o|s) = (c(s,o) + K P_char(o|s)) / (c(s) + K)
BLEND_K = 2.0
LOGP_QUANT = 100.0


def rendering_hash(text: str) -> int:
    """A stable 64-bit hash of an OCR string (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def blend_logp(observed: int, total: int, lp_char: float) -> float:
    return math.log((observed + BLEND_K * math.exp(lp_char)) / (total + BLEND_K))


def write_counts(path: Path, counts, what: str) -> None:
    """A count table as TSV: `a<TAB>b<TAB>count`, a comment line saying what it is."""
    def esc(x: str) -> str:
        return x.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") if x else "\\0"
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {what}\n")
        for (a, b), c in rows:
            f.write(f"{esc(a)}\t{esc(b)}\t{c}\n")


def read_counts(path: Path) -> dict[tuple[str, str], int]:
    def unesc(x: str) -> str:
        if x == "\\0":
            return ""
        return x.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b, c = line.rstrip("\n").split("\t")
            out[(unesc(a), unesc(b))] = int(c)
    return out


class Channel:
    """Candidates for OCR tokens of one condition."""

    def __init__(self, kind: str, folder: Path, vocab: list[str], candidate_ids: list[int]):
        self.kind = kind
        self.vocab = vocab
        self.model = CharModel(read_counts(folder / f"channel-{kind}.tsv"))
        pairs = read_counts(folder / f"confusions-{kind}.tsv")
        self.syllable_total: Counter = Counter()
        self.observed: dict[tuple[str, str], int] = {}
        for (s, o), c in pairs.items():
            self.syllable_total[s] += c
            self.observed[(s, o)] = c
        z = np.load(folder / "candidates.npz")
        self.hashes = z[f"{kind}_hash"]
        self.ids = z[f"{kind}_id"]
        self.logps = -(z[f"{kind}_logp"].astype(np.float32) / LOGP_QUANT)
        self.skeletons: dict[str, list[int]] = defaultdict(list)
        for i in candidate_ids:
            self.skeletons[strip_marks(vocab[i])].append(i)
        self.skeleton_keys = list(self.skeletons)
        self._cache: dict[str, list[tuple[int, float]]] = {}

    def candidates(self, o: str, min_logp: float = -14.0) -> list[tuple[int, float]]:
        """(syllable id, log P(o | syllable)) for a lower-cased OCR token, best first."""
        got = self._cache.get(o)
        if got is None:
            got = self._lookup(o)
            if not got or max(lp for _, lp in got) < -9.0:
                got = self._merge(got, self._fallback(o))
            got = sorted((c for c in got if c[1] >= min_logp), key=lambda c: -c[1])
            self._cache[o] = got
        return got

    def _lookup(self, o: str) -> list[tuple[int, float]]:
        h = np.uint64(rendering_hash(o))
        lo = np.searchsorted(self.hashes, h, side="left")
        hi = np.searchsorted(self.hashes, h, side="right")
        return [(int(self.ids[k]), float(self.logps[k])) for k in range(lo, hi)]

    def _fallback(self, o: str, max_skeletons: int = 12) -> list[tuple[int, float]]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = strip_marks(o)
        hits = process.extract(key, self.skeleton_keys, scorer=Levenshtein.distance,
                               score_cutoff=2, limit=max_skeletons)
        out = []
        for skel, _dist, _ in hits:
            for i in self.skeletons[skel]:
                s = self.vocab[i]
                lp = blend_logp(self.observed.get((s, o), 0), self.syllable_total.get(s, 0), self.model.logp(o, s))
                out.append((i, lp))
        return out

    @staticmethod
    def _merge(a, b):
        best: dict[int, float] = {}
        for i, lp in list(a) + list(b):
            if lp > best.get(i, -1e9):
                best[i] = lp
        return list(best.items())
