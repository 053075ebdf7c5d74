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
        # backoff weight of every one-word context, as a dense array indexed by word id
        self.bow1 = np.zeros(V, dtype=np.float32)
        self.bow1[z["bi_ctx"]] = deq(z["bi_bow"])
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
        """values[keys == query] (or default) and whether each query was found. The queries are
        searched in sorted order: numpy's binary search then starts where the last one ended,
        which is several times faster on large tables."""
        order = np.argsort(query)      # equal keys need no particular order: no stable sort
        pos = np.empty_like(order)
        pos[order] = np.searchsorted(keys, query[order])
        pos = np.minimum(pos, len(keys) - 1)
        found = keys[pos] == query
        return np.where(found, values[pos], default), found

    def logp(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """log P(w | u v) for arrays of word ids (natural log)."""
        V = self.V
        u = u.astype(np.int64)
        v = v.astype(np.int64)
        w = w.astype(np.int64)
        p2, found2 = self._lookup(self.bi_keys, self.bi_logp, v * V + w, 0.0)
        out = np.where(found2, p2, self.bow1[v] + self.uni[w])
        ctx = u * V + v
        bow3, has_ctx = self._lookup(self.tri_ctx, self.tri_bow, ctx, 0.0)
        out += bow3
        # only contexts that kept trigrams need the trigram table (most candidate pairs do not)
        idx = np.flatnonzero(has_ctx)
        if len(idx):
            p3, found3 = self._lookup(self.tri_keys, self.tri_logp, ctx[idx] * V + w[idx], 0.0)
            hit = idx[found3]
            out[hit] = p3[found3]
        return out

    def padded_pairs(self, ids: np.ndarray, valid: np.ndarray, pair_bonus: float = 0.0) -> np.ndarray:
        """Bigram scores log P(ids[t+1, l] | ids[t, k]) (+ pair_bonus) of a padded lattice:
        shape (N-1, K, K), 0 where either side is padding."""
        return self._pair_tables(ids, valid, pair_bonus, with_contexts=False)[0]

    def _pair_tables(self, ids, valid, pair_bonus: float, with_contexts: bool = True):
        """For every pair of neighbouring candidates (pair (t, t+1) at index t): the bigram score,
        and, as contexts of a trigram, their backoff weight and whether they kept trigrams."""
        V = self.V
        PK = ids[:-1, :, None] * V + ids[1:, None, :]
        VP = valid[:-1, :, None] & valid[1:, None, :]
        pairs = PK[VP]
        p2, found2 = self._lookup(self.bi_keys, self.bi_logp, pairs, 0.0)
        p2 = np.where(found2, p2, self.bow1[pairs // V] + self.uni[pairs % V])
        if pair_bonus:   # a bonus for two syllables that form a dictionary word, with any context
            p2 = p2 + pair_bonus * self._found(self.word_pairs, pairs)
        P2 = np.zeros(PK.shape, dtype=np.float32)
        P2[VP] = p2
        if not with_contexts:
            return P2, None, None, PK
        bow, has_ctx = self._lookup(self.tri_ctx, self.tri_bow, pairs, 0.0)
        BOW = np.zeros(PK.shape, dtype=np.float32)
        BOW[VP] = bow
        HC = np.zeros(PK.shape, dtype=bool)
        HC[VP] = has_ctx
        return P2, BOW, HC, PK

    def padded_lattice(self, ids: np.ndarray, valid: np.ndarray, pair_bonus: float = 0.0) -> np.ndarray:
        """LM scores of a whole padded lattice at once.

        ids[t, k] is candidate k of slot t (valid[t, k] says which are real). Returns B of shape
        (N-2, K, K, K): B[t-2, i, j, k] = log P(ids[t, k] | ids[t-2, i], ids[t-1, j]), plus
        pair_bonus when the last two form a dictionary word; 0 where slot t is <s> (a paragraph
        frame). Pairs are looked up once each; the trigram table only for contexts that kept
        trigrams (most candidate pairs did not)."""
        V = self.V
        P2, BOW, HC, PK = self._pair_tables(ids, valid, pair_bonus)
        B = BOW[:-1, :, :, None] + P2[1:, None, :, :]
        tt, ii, jj = np.nonzero(HC[:-1])
        if len(tt):
            keys = PK[tt, ii, jj][:, None] * V + ids[tt + 2]         # (M, K)
            kval = valid[tt + 2]
            p3, found3 = self._lookup(self.tri_keys, self.tri_logp, keys[kval], 0.0)
            mm, kk = np.nonzero(kval)
            B[tt[mm[found3]], ii[mm[found3]], jj[mm[found3]], kk[found3]] = p3[found3]
        B[ids[2:, 0] == self.bos] = 0.0
        return B

    @classmethod
    def _found(cls, keys, query):
        return cls._lookup(keys, keys, query, 0)[1]

    def is_word_pair(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """True where the two syllables form (part of) a dictionary word."""
        return self._found(self.word_pairs, u.astype(np.int64) * self.V + v.astype(np.int64))

    def sentence_logp(self, words: list[str]) -> float:
        """Total log-probability of a token sequence (for tests and diagnostics)."""
        ids = [self.bos, self.bos] + [self.id_of(w) for w in words] + [self.eos]
        a = np.array(ids)
        return float(self.logp(a[:-2], a[1:-1], a[2:]).sum())
