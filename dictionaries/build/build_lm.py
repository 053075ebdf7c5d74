#!/usr/bin/env python3
"""Build the syllable trigram language model: dictionaries/lm.npz.

    python dictionaries/build/build_lm.py [--data ../shared/data] [--out dictionaries/lm.npz]

Corpus: see corpus.py (laws, decrees, provincial decisions and plans; never the samples).
Tokens: lower-cased, tone-normalised (hóa style) words; numbers and codes as <num>/<code>;
punctuation marks as tokens; one corpus line = one sentence (<s> <s> ... </s>). Words seen fewer
than --min-count times become <unk>.

Model: interpolated modified Kneser-Ney (Chen & Goodman 1998) with three discounts per order,
stored ARPA-style (interpolated log-probabilities of the kept n-grams, backoff weights of their
contexts). Trigrams seen fewer than --min-trigram times are pruned and the backoff weights of
their contexts renormalised, so the pruned model is still a proper distribution.

Also stores the word pairs of the pyvi word list (MIT; ../shared/data/pyvi-words) as a sorted
key array: the decoder gives a small bonus to adjacent syllables that form a dictionary word.

Storage: sorted int64 n-gram keys delta-coded (they compress well), log-probabilities quantised
to uint16 steps of 1/1000 nat; about 20 MB compressed. Deterministic: same corpus, same file.
"""
from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from multiprocessing import Pool
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

from pipeline.restore.tokens import BOS, CODE, EOS, NUM, UNK  # noqa: E402
from pipeline.restore.vietnamese import place_tone  # noqa: E402

SPECIALS = [BOS, EOS, UNK, NUM, CODE]
LOGP_STEP = 1000.0        # uint16 quantisation: -logp * 1000, so probabilities down to e^-65


def read_corpus(data: Path, jobs: int, genre_weight: int = 1):
    files = [str(p) for p in corpus.corpus_files(data)]
    repeats = corpus.genre_repeats(files, genre_weight)
    with Pool(jobs) as pool:
        for sentences, k in zip(pool.imap(corpus.tokenize_file, files, chunksize=4), repeats):
            for _ in range(k):
                yield from sentences


def build_vocab(sentences, min_count: int):
    from collections import Counter
    counts = Counter()
    for s in sentences:
        counts.update(s)
    words = sorted(w for w, c in counts.items() if c >= min_count and w not in SPECIALS)
    vocab = SPECIALS + words
    return vocab, counts


def encode(sentences, index) -> np.ndarray:
    """One int32 stream: <s> <s> w1 .. wn </s> per sentence."""
    bos, eos, unk = index[BOS], index[EOS], index[UNK]
    parts = []
    for s in sentences:
        parts.append([bos, bos] + [index.get(w, unk) for w in s] + [eos])
    flat = np.fromiter((i for p in parts for i in p), dtype=np.int32)
    return flat


def ngram_counts(stream: np.ndarray, V: int, bos: int, eos: int):
    a, b, c = stream[:-2].astype(np.int64), stream[1:-1].astype(np.int64), stream[2:].astype(np.int64)
    ok3 = (c != bos) & (a != eos) & (b != eos)          # never across a sentence boundary
    k3, n3 = np.unique((a[ok3] * V + b[ok3]) * V + c[ok3], return_counts=True)
    x, y = stream[:-1].astype(np.int64), stream[1:].astype(np.int64)
    ok2 = (y != bos) & (x != eos)
    k2, n2 = np.unique(x[ok2] * V + y[ok2], return_counts=True)
    k1, n1 = np.unique(stream[stream != bos], return_counts=True)
    return (k1, n1), (k2, n2), (k3, n3)


def discounts(counts: np.ndarray) -> np.ndarray:
    """Modified KN discounts D1, D2, D3+ from the count-of-counts."""
    n = [np.sum(counts == i) for i in range(1, 5)]
    y = n[0] / (n[0] + 2 * n[1])
    d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
    return np.clip(np.array(d, dtype=np.float64), 0.05, None)


def discount_of(counts, D):
    return np.where(counts >= 3, D[2], np.where(counts == 2, D[1], D[0]))


def group_sums(ctx_keys: np.ndarray, values: np.ndarray):
    """Sums of `values` per distinct context (ctx_keys sorted)."""
    uniq, start = np.unique(ctx_keys, return_index=True)
    sums = np.add.reduceat(values, start) if len(values) else np.zeros(0)
    return uniq, sums, start


def kn_level(keys, counts, V, lower_prob_fn):
    """Interpolated modified-KN probabilities of `keys` (n-grams), and gamma per context.
    keys = ctx * V + w; lower_prob_fn(ctx_lower_keys, w) gives P_lower(w | shorter context)."""
    D = discounts(counts)
    ctx, w = keys // V, keys % V
    uniq, total, start = group_sums(ctx, counts.astype(np.float64))
    idx = np.searchsorted(uniq, ctx)
    n1 = np.add.reduceat((counts == 1).astype(np.float64), start)
    n2 = np.add.reduceat((counts == 2).astype(np.float64), start)
    n3 = np.add.reduceat((counts >= 3).astype(np.float64), start)
    gamma = (D[0] * n1 + D[1] * n2 + D[2] * n3) / total
    p = (counts - discount_of(counts, D)) / total[idx] + gamma[idx] * lower_prob_fn(ctx, w)
    return p, uniq, gamma, D


def build_model(stream, V, bos, eos, unk, min_trigram):
    (k1, n1), (k2, n2), (k3, n3) = ngram_counts(stream, V, bos, eos)
    # continuation counts: N1+(. v w) for bigrams, N1+(. w) for unigrams
    kb_cont, nb_cont = np.unique(k3 % (V * V), return_counts=True)
    # bigrams starting with <s> have no left word in a trigram of their own except <s> <s> w;
    # use their raw counts (as SRILM does for n-grams that start a sentence).
    start_mask = (k2 // V) == bos
    kb = np.union1d(kb_cont, k2[start_mask])
    nb = np.zeros(len(kb))
    nb[np.searchsorted(kb, kb_cont)] += nb_cont
    nb[np.searchsorted(kb, k2[start_mask])] = n2[start_mask]
    ku_cont, nu_cont = np.unique(k2 % V, return_counts=True)
    p_uni = np.full(V, 0.0)
    p_uni[ku_cont] = nu_cont
    p_uni = 0.995 * p_uni / p_uni.sum() + 0.005 / V        # a little uniform mass for unseen words
    p_uni[bos] = 1e-12

    def uni(_ctx, w):
        return p_uni[w]

    p_bi, bi_ctx, bi_gamma, _ = kn_level(kb, nb.astype(np.int64), V, uni)

    def bi(ctx, w):
        """Full interpolated bigram P(w | v) for ctx = u*V + v."""
        v = ctx % V
        key = v * V + w
        pos = np.searchsorted(kb, key)
        pos_c = np.minimum(pos, len(kb) - 1)
        found = kb[pos_c] == key
        g = np.ones(len(v))
        cpos = np.searchsorted(bi_ctx, v)
        cpos_c = np.minimum(cpos, len(bi_ctx) - 1)
        has_ctx = bi_ctx[cpos_c] == v
        g[has_ctx] = bi_gamma[cpos_c[has_ctx]]
        return np.where(found, p_bi[pos_c], g * p_uni[w])

    p_tri, tri_ctx, tri_gamma, _ = kn_level(k3, n3, V, bi)

    # prune rare trigrams, renormalise the backoff weights of their contexts
    keep = n3 >= min_trigram
    ctx_all = k3 // V
    lower = bi(ctx_all, k3 % V)
    uniq, kept_p, _ = group_sums(ctx_all, np.where(keep, p_tri, 0.0))
    _, kept_lower, _ = group_sums(ctx_all, np.where(keep, lower, 0.0))
    bow3 = (1.0 - kept_p) / np.maximum(1.0 - kept_lower, 1e-9)
    has_kept = kept_p > 0            # contexts without kept trigrams back off with weight 1
    uniq, bow3 = uniq[has_kept], bow3[has_kept]
    # bigram-level backoff weights: gamma of the bigram context (all bigrams are kept)
    return dict(
        V=V, p_uni=p_uni, bi_keys=kb, p_bi=p_bi, bi_ctx=bi_ctx, bi_bow=bi_gamma,
        tri_keys=k3[keep], p_tri=p_tri[keep], tri_ctx=uniq, tri_bow=bow3,
        stats=dict(unigrams=V, bigrams=len(kb), trigrams_all=len(k3), trigrams_kept=int(keep.sum())))


def q(logp):
    return np.clip(np.round(-logp * LOGP_STEP), 0, 65535).astype(np.uint16)


def dict_word_pairs(words_file: Path, index: dict, V: int) -> np.ndarray:
    """Keys u*V+v of adjacent syllable pairs inside the word list's multi-syllable words."""
    keys = set()
    for line in words_file.read_text(encoding="utf-8").splitlines():
        sylls = [place_tone(s) for s in unicodedata.normalize("NFC", line.strip().lower()).split()]
        ids = [index.get(s) for s in sylls]
        if len(ids) >= 2 and None not in ids:
            for a, b in zip(ids, ids[1:]):
                keys.add(a * V + b)
    return np.array(sorted(keys), dtype=np.int64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=HERE.parent / "lm.npz")
    ap.add_argument("--min-count", type=int, default=2, help="words rarer than this become <unk>")
    ap.add_argument("--min-trigram", type=int, default=2, help="trigrams rarer than this are pruned")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--genre-weight", type=int, default=3, help="times the plan-genre folders count")
    ap.add_argument("--cache", type=Path, help="keep the tokenised corpus here to speed up rebuilds")
    a = ap.parse_args()
    t0 = time.time()
    if a.cache and a.cache.exists():
        z = np.load(a.cache, allow_pickle=False)
        vocab, stream = list(z["vocab"]), z["stream"]
        counts_of = dict(zip(vocab, z["vocab_counts"]))
    else:
        sentences = list(read_corpus(a.data, a.jobs, a.genre_weight))
        vocab, counts = build_vocab(sentences, a.min_count)
        index = {w: i for i, w in enumerate(vocab)}
        stream = encode(sentences, index)
        counts_of = {w: counts.get(w, 0) for w in vocab}
        if a.cache:
            np.savez(a.cache, vocab=np.array(vocab), stream=stream,
                     vocab_counts=np.array([counts_of[w] for w in vocab], dtype=np.int64))
    print(f"corpus: {len(stream):,} tokens, vocabulary {len(vocab):,} ({time.time() - t0:.0f} s)", file=sys.stderr)
    V = len(vocab)
    index = {w: i for i, w in enumerate(vocab)}
    m = build_model(stream, V, index[BOS], index[EOS], index[UNK], a.min_trigram)
    print(f"model: {m['stats']} ({time.time() - t0:.0f} s)", file=sys.stderr)
    pairs = dict_word_pairs(a.data / "pyvi-words" / "words.txt", index, V)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        a.out,
        vocab=np.array(vocab), word_counts=np.array([counts_of[w] for w in vocab], dtype=np.int64),
        uni_logp=q(np.log(m["p_uni"])),
        bi_keys=np.diff(m["bi_keys"], prepend=0), bi_logp=q(np.log(m["p_bi"])),
        bi_ctx=m["bi_ctx"], bi_bow=q(np.log(m["bi_bow"])),
        tri_keys=np.diff(m["tri_keys"], prepend=0), tri_logp=q(np.log(m["p_tri"])),
        tri_ctx=np.diff(m["tri_ctx"], prepend=0), tri_bow_raw=np.log(m["tri_bow"]).astype(np.float16),
        word_pairs=np.diff(pairs, prepend=0),
    )
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.1f} MB, {time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
