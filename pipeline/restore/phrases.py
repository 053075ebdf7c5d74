"""The phrase book at run time: a known phrase with one misread syllable is repaired.

The names users read (a body, a title, an indicator) are phrases the corpora hold many times
(dictionaries/phrases.npz, built by dictionaries/build/build_phrases.py). The trigram decoder
sees three words at a time, so a syllable whose marks the OCR lost inside a longer phrase can
survive (`Ban Chấp hành Trung ương Đang`); after the decode, every window of 3-6 decoded tokens
is matched against the book with one position masked, and where a phrase fits all but that
position and its syllable there has the same bare letters as the decoded one (the marks differ:
the OCR read the letters), that syllable becomes the phrase's when the evidence says so:

    log(count of the phrase) - log(1 + count of the decoded window, as a phrase)
    + (channel + LM score of the phrase's syllable) - (the same of the decoded one)  > MARGIN

Channel: log P(OCR token | syllable), from the slot's candidates, else the letter model; LM: the
trigrams that touch the slot. So a phrase never overrules an OCR word that could not have been
read from it (the channel), and a correct different phrase that the book holds as well (`Trung
ương Đoàn` beside `Trung ương Đảng`) is left alone.

Why after the decode and not a decoder bonus: a phrase spans up to six slots, beyond the
trigram Viterbi's states; a post-pass is a few vectorised hash look-ups per window, and its
decisions can be read one by one (`sohoa restore --explain` shows the word changed).

Matching is exact on hashes of LM word ids, one position standing for its bare letters: the
fuzzy match is one substitution at syllable level, its plausibility judged by the learned
channel, not by letters compared blindly.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .vietnamese import place_tone, strip_marks

MIN_LEN, MAX_LEN = 3, 6
_P = np.uint64(0x9E3779B97F4A7C15)          # odd multiplier of the polynomial hash
_LEN = np.uint64(0xC2B2AE3D27D4EB4F)        # per-length offset: an n-gram and an m-gram differ
# How much more the phrase must explain than the decoded words (nats), tuned on the held-out
# legacy pages (benchmarks/phrases.py): 0, 1, 2, 3 gave 98.04, 98.05, 98.05, 98.01 %.
MARGIN = 2.0
# Only words the decoder was less sure of than this (its local posterior) are looked up: a word
# it was sure of is as sure in a phrase's context, and the look-ups cost time.
SURE = 0.99
# A phrase seen this few times is too weak to overrule the channel and the LM
MIN_COUNT = 10


def _powers(n: int) -> np.ndarray:
    out = np.ones(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n - 2, -1, -1):
            out[k] = out[k + 1] * _P
    return out


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the linear hash reaches the high bits, which are the
    ones kept (the last syllable's weight is 1: unmixed, it would change only the low bits)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def window_hashes(ids: np.ndarray, n: int, rows: bool = False) -> np.ndarray:
    """Hash of every window of n ids of a 1-d stream (or of every row of an (M, n) matrix when
    `rows`): sum (id_k + 1) P^(n-1-k) + n * _LEN, modulo 2^64. A masked position counts 0."""
    with np.errstate(over="ignore"):
        m = ids if rows else np.lib.stride_tricks.sliding_window_view(ids, n)
        v = (m.astype(np.int64) + 1).astype(np.uint64)
        return (v * _powers(n)).sum(axis=1, dtype=np.uint64) + np.uint64(n) * _LEN


def word_mask(lm) -> np.ndarray:
    """True for the LM's words (not punctuation, classes or frames)."""
    return np.array([any(c.isalpha() for c in w) and not w.startswith("<") for w in lm.vocab])


def inner_mask(lm) -> np.ndarray:
    """Tokens a phrase may hold: words, and inside it numbers and commas ("trẻ <num> tuổi",
    "lưu ban , bỏ học"); a phrase starts and ends with a word."""
    ok = word_mask(lm)
    ok[lm.num] = True
    ok[lm.id_of(",")] = True
    return ok


# The masked-window index packs the hash's high bits and the (phrase, position) it stands for into
# one uint64, so that loading is one np.sort; a hit on the shortened hash is checked against the
# phrase itself.
VALUE_BITS = 24
_LOW = np.uint64((1 << VALUE_BITS) - 1)


class PhraseBook:
    def __init__(self, path: Path, lm):
        self.inner = inner_mask(lm)
        # the bare letters of every word: a masked position keeps them (see _mask)
        groups: dict[str, int] = {}
        self.bare = np.array([groups.setdefault(strip_marks(w), len(groups)) for w in lm.vocab], dtype=np.int64)
        self.V = lm.V
        z = np.load(path)
        if int(z["vocab_size"][0]) != lm.V:
            raise RuntimeError("dictionaries/phrases.npz does not match lm.npz: rebuild it with "
                               "dictionaries/build/build_phrases.py")
        table, counts = z["phrases"].astype(np.int64), z["counts"].astype(np.int64)
        if table.shape[1] != MAX_LEN or len(table) * MAX_LEN >= 1 << VALUE_BITS:
            raise RuntimeError("dictionaries/phrases.npz is not of this sohoa: rebuild it with "
                               "dictionaries/build/build_phrases.py")
        lengths = (table >= 0).sum(axis=1)
        exact, packed = [], []
        capped = np.minimum(counts, int(_LOW)).astype(np.uint64)
        for n in range(MIN_LEN, MAX_LEN + 1):
            rows = np.flatnonzero(lengths == n)
            if not len(rows):
                continue
            m = table[rows, :n]
            h = window_hashes(m, n, rows=True)
            exact.append((_mix(h) & ~_LOW) | capped[rows])
            if n > MIN_LEN:   # its two parts one shorter, which the build may have dropped for it
                exact.append((_mix(window_hashes(m[:, 1:], n - 1, rows=True)) & ~_LOW) | capped[rows])
                exact.append((_mix(window_hashes(m[:, :-1], n - 1, rows=True)) & ~_LOW) | capped[rows])
            pw = _powers(n)
            with np.errstate(over="ignore"):
                for k in range(n):
                    wild = h - (m[:, k] + 1).astype(np.uint64) * pw[k] + self._mask(m[:, k]) * pw[k]
                    packed.append((_mix(wild) & ~_LOW) | (rows * MAX_LEN + k).astype(np.uint64))
        self.exact = np.sort(np.concatenate(exact))
        self.packed = np.sort(np.concatenate(packed))
        self.table, self.counts, self.lengths = table, counts, lengths

    def _mask(self, ids: np.ndarray) -> np.ndarray:
        """What a masked position counts in the index: its word's bare letters (hoi for hơi,
        hội, hỏi), so that a look-up finds only the phrases whose syllable there differs by its
        marks (the OCR read the letters; the marks are what it loses) and the index stays small
        to search. Values above every id + 1, so never equal to a word's own."""
        return (self.V + 1 + self.bare[np.maximum(ids, 0)]).astype(np.uint64)

    def __len__(self) -> int:
        return len(self.table)

    def count(self, hashes: np.ndarray) -> np.ndarray:
        """How often each hashed window is in the book as a phrase, or, when the build dropped
        it for a phrase one longer that nearly always extends it, that one's count (the largest
        such); 0 when it is not there."""
        key = _mix(hashes) & ~_LOW
        hi = np.searchsorted(self.exact, key | _LOW, side="right")       # the largest count sorts last
        top = self.exact[np.maximum(hi - 1, 0)]
        return np.where((hi > 0) & ((top & ~_LOW) == key), (top & _LOW).astype(np.int64), 0)

    def matches(self, stream: np.ndarray, doubtful: np.ndarray):
        """Phrases that fit the id stream but for one position, whose syllable there has the
        bare letters of the stream's (a mark misread: hội for hơi), as arrays: slot, the phrase's
        id there, the phrase's count, the count of the stream's own window. Ids < 0 are
        barriers; only `doubtful` positions are looked up."""
        found = []
        ok = stream >= 0
        for n in range(MIN_LEN, MAX_LEN + 1):
            if len(stream) < n:
                break
            starts = np.flatnonzero(np.lib.stride_tricks.sliding_window_view(ok, n).all(axis=1))
            if not len(starts):
                continue
            at = starts[:, None] + np.arange(n)
            wq, kq = np.nonzero(doubtful[at])             # the (window, position) pairs asked
            if not len(wq):
                continue
            m = stream[at]
            h = window_hashes(m, n, rows=True)
            pw = _powers(n)
            mq = m[wq, kq]
            with np.errstate(over="ignore"):
                keys = _mix(h[wq] + (self._mask(mq) - (mq + 1).astype(np.uint64)) * pw[kq]) & ~_LOW
            order = np.argsort(keys)        # sorted queries search a large table faster
            lo, hi = np.empty_like(order), np.empty_like(order)
            lo[order] = np.searchsorted(self.packed, keys[order], side="left")
            hi[order] = np.searchsorted(self.packed, keys[order] | _LOW, side="right")
            span = hi - lo
            if not span.any():
                continue
            f = np.repeat(np.arange(len(keys)), span)                    # query of each hit
            pos = np.arange(len(f)) - np.repeat(np.cumsum(span) - span, span) + np.repeat(lo, span)
            val = (self.packed[pos] & _LOW).astype(np.int64)
            row, kk = val // MAX_LEN, val % MAX_LEN
            w, k = wq[f], kq[f]
            keep = (kk == k) & (self.lengths[row] == n)
            w, k, row = w[keep], k[keep], row[keep]
            word = self.table[row, k]
            window = m[w]
            differ = (self.table[row, :n] != window).sum(axis=1)
            keep = (differ == 1) & (word != window[np.arange(len(w)), k])   # no false hit of the hash
            keep &= self.bare[word] == self.bare[np.maximum(window[np.arange(len(w)), k], 0)]
            w, k, row, word = w[keep], k[keep], row[keep], word[keep]
            if len(w):
                found.append((starts[w] + k, word, self.counts[row], self.count(h[w])))
        if not found:
            return [np.zeros(0, dtype=np.int64)] * 4
        return [np.concatenate(c) for c in zip(*found)]

    def support(self, window: np.ndarray) -> int:
        """How often the corpora hold this window of ids as a phrase (0: not in the book)."""
        return int(self.count(window_hashes(window[None, :], len(window), rows=True))[0])


def phrase_gain(phrase_count: int, own_count: int) -> float:
    return math.log(phrase_count) - math.log1p(own_count)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 30.0), -30.0)))


def repair_phrases(engine, slots, choice, conf, runners_up, kind: str, pieces_of) -> None:
    """Where a phrase of the book fits the decoded words but for one syllable, and the evidence
    (module docstring) says the phrase's syllable, choose it: `choice`, `conf` and `runners_up`
    (decoder.decode's) are changed in place; a syllable the slot lacked joins its candidates."""
    book, lm = engine.phrases, engine.lm
    chosen = np.array([int(s.ids[c]) for s, c in zip(slots, choice)], dtype=np.int64)
    stream = np.where(book.inner[chosen], chosen, -1)
    best: dict[int, tuple[float, int]] = {}
    doubtful = np.array([s.where is not None and len(s.ids) > 1 and p < SURE for s, p in zip(slots, conf)])
    for t, word, count, own in zip(*(a.tolist() for a in book.matches(stream, doubtful))):
        s = slots[t]
        if count < MIN_COUNT or word not in engine.candidate_set:
            continue
        gain = phrase_gain(count, own)
        if gain <= MARGIN:            # not even a sure channel and LM could make it worth it
            continue
        c = choice[t]
        hit = np.flatnonzero(s.ids == word)
        if len(hit):
            ch_new = float(s.ch[hit[0]])
        else:
            li, pi = s.where       # the letter model's score of the OCR word for it
            ch_new = engine.channels[kind]._score(place_tone(pieces_of[li][pi].core.lower(), "new"), word)
        delta = gain + ch_new - float(s.ch[c]) + _lm_delta(lm, chosen, t, word)
        if delta > MARGIN and delta > best.get(t, (-1e9, 0))[0]:
            best[t] = (delta, word)
    for t, (delta, word) in best.items():
        s = slots[t]
        hit = np.flatnonzero(s.ids == word)
        if len(hit):
            j = int(hit[0])
        else:
            s.ids = np.append(s.ids, word)
            s.ch = np.append(s.ch, -1e9)
            s.outs = list(s.outs) + [lm.vocab[word]]
            j = len(s.ids) - 1
        p = _sigmoid(delta - MARGIN)
        runners_up[t] = [(choice[t], round(1.0 - p, 4))]
        choice[t], conf[t] = j, p


def _lm_delta(lm, chosen: np.ndarray, t: int, word: int) -> float:
    """LM score of the trigrams touching slot t with `word` there, less with the decoded word."""
    n = len(chosen)
    lo, hi = max(t - 2, 0), min(t + 2, n - 1)
    seq_old = chosen[lo:hi + 1]
    seq_new = seq_old.copy()
    seq_new[t - lo] = word
    if len(seq_old) < 3:
        return 0.0
    a = np.stack([seq_old, seq_new])
    scores = lm.logp(a[:, :-2].ravel(), a[:, 1:-1].ravel(), a[:, 2:].ravel()).reshape(2, -1)
    return float(scores[1].sum() - scores[0].sum())
