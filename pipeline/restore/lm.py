"""Syllable trigram language model (built by dictionaries/build/build_lm.py).

Interpolated modified Kneser-Ney, stored ARPA-style in sorted numpy arrays; every query is a
vectorised binary search, so a whole paragraph's lattice is scored in a few numpy calls.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .tokens import BOS, CODE, EOS, NUM, UNK

LOGP_STEP = 1000.0


class LanguageModel:
    def __init__(self, path: Path):
        z = np.load(path, allow_pickle=False)
        self.vocab: list[str] = [str(w) for w in z["vocab"]]
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.word_counts = z["word_counts"]
        self.V = V = len(self.vocab)
        deq = lambda a: -(a.astype(np.float32) / LOGP_STEP)  # noqa: E731
        self.uni = deq(z["uni_logp"])
        self.bi_keys = np.cumsum(z["bi_keys"])
        self.bi_logp = deq(z["bi_logp"])
        self.bi_ctx = z["bi_ctx"]
        self.bi_bow = deq(z["bi_bow"])
        self.tri_keys = np.cumsum(z["tri_keys"])
        self.tri_logp = deq(z["tri_logp"])
        self.tri_ctx = np.cumsum(z["tri_ctx"])
        self.tri_bow = z["tri_bow_raw"].astype(np.float32)
        self.word_pairs = np.cumsum(z["word_pairs"])
        self.bos, self.eos, self.unk = self.index[BOS], self.index[EOS], self.index[UNK]
        self.num, self.code = self.index[NUM], self.index[CODE]
        assert V ** 3 < 2 ** 62

    def id_of(self, token: str) -> int:
        return self.index.get(token, self.unk)

    @staticmethod
    def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default: float):
        pos = np.searchsorted(keys, query)
        pos = np.minimum(pos, len(keys) - 1)
        found = keys[pos] == query
        return np.where(found, values[pos], default), found

    def logp(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """log P(w | u v) for arrays of word ids (natural log)."""
        V = self.V
        u = u.astype(np.int64)
        v = v.astype(np.int64)
        w = w.astype(np.int64)
        bow2, _ = self._lookup(self.bi_ctx, self.bi_bow, v, 0.0)
        p2, _ = self._lookup(self.bi_keys, self.bi_logp, v * V + w, 0.0)
        found2 = self._found(self.bi_keys, v * V + w)
        p2 = np.where(found2, p2, bow2 + self.uni[w])
        ctx = u * V + v
        bow3, _ = self._lookup(self.tri_ctx, self.tri_bow, ctx, 0.0)
        p3, found3 = self._lookup(self.tri_keys, self.tri_logp, ctx * V + w, 0.0)
        return np.where(found3, p3, bow3 + p2)

    @staticmethod
    def _found(keys, query):
        pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
        return keys[pos] == query

    def is_word_pair(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """True where the two syllables form (part of) a dictionary word."""
        return self._found(self.word_pairs, u.astype(np.int64) * self.V + v.astype(np.int64))

    def sentence_logp(self, words: list[str]) -> float:
        """Total log-probability of a token sequence (for tests and diagnostics)."""
        ids = [self.bos, self.bos] + [self.id_of(w) for w in words] + [self.eos]
        a = np.array(ids)
        return float(self.logp(a[:-2], a[1:-1], a[2:]).sum())
