#!/usr/bin/env python3
"""Build the phrase book: dictionaries/phrases.npz, frequent phrases of the corpora.

    python dictionaries/build/build_phrases.py [--data ../shared/data] [--min-count 10]

A phrase is a run of 3 to 6 syllables (the LM's lower-cased, tone-normalised words) that the
corpora hold at least --min-count times, without punctuation, numbers or codes inside: the names
of indicators ("tỷ lệ bao phủ bảo hiểm y tế"), bodies ("ủy ban nhân dân"), titles and set
expressions. Corpus: corpus.py's (vlc-legal, vn-legal-admin; the held-out documents left out,
plan-genre folders counted 3x as for the LM); never ../shared/samples nor tests/data.

Counting: every n-gram of the id stream is a 64-bit polynomial hash (phrases.phrase_hashes, the
same the engine computes), counted with numpy; kept n-grams are then written as id rows. Pruned:
a phrase is dropped when a kept phrase one syllable longer that contains it is seen nearly as
often (at least --closed of its count): it adds nothing the longer one does not say
(closed-phrase mining); the engine reads its count off the longer one.

Stored: `phrases` (int32 rows, padded with -1), `counts`, and `vocab_size` (must equal the LM's:
the ids are LM word ids; rebuild after build_lm.py).
"""
from __future__ import annotations

import argparse
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

from pipeline.restore.lm import LanguageModel  # noqa: E402
from pipeline.restore.phrases import MAX_LEN, MIN_LEN, inner_mask, window_hashes, word_mask  # noqa: E402

def read_stream(data: Path, lm: LanguageModel, jobs: int, genre_weight: int) -> np.ndarray:
    """The corpus as one int32 stream of LM word ids; -1 wherever a phrase may not run across
    (line ends, punctuation, numbers, codes, unknown words)."""
    files = [str(p) for p in corpus.corpus_files(data)]
    repeats = corpus.genre_repeats(files, genre_weight)
    word_ok = inner_mask(lm)
    parts: list[np.ndarray] = []
    with Pool(jobs) as pool:
        for sentences, k in zip(pool.imap(corpus.tokenize_file, files, chunksize=4), repeats):
            ids = [i for s in sentences for i in [lm.index.get(w, -1) for w in s] + [-1]]
            a = np.array(ids, dtype=np.int32)
            a[(a >= 0) & ~word_ok[np.maximum(a, 0)]] = -1
            parts.extend([a] * k)
    return np.concatenate(parts)


def mine(stream: np.ndarray, words: np.ndarray, min_count: int):
    """{n: (hashes, counts, first position)} of the n-grams seen at least min_count times that
    start and end with a word."""
    out = {}
    ok = stream >= 0
    edge = ok & words[np.maximum(stream, 0)]
    for n in range(MIN_LEN, MAX_LEN + 2):      # one longer than kept: for pruning
        h = window_hashes(stream.astype(np.int64), n)
        whole = np.lib.stride_tricks.sliding_window_view(ok, n).all(axis=1)
        pos = np.flatnonzero(whole & edge[:len(whole)] & edge[n - 1:])
        keys, first, counts = np.unique(h[pos], return_index=True, return_counts=True)
        keep = counts >= min_count
        out[n] = (keys[keep], counts[keep], pos[first[keep]])
        print(f"  {n}-grams: {len(pos):,} seen, {int(keep.sum()):,} kept", file=sys.stderr)
    return out


def closed(stream: np.ndarray, mined, ratio: float):
    """Rows and counts of the kept phrases, less those that a kept phrase one syllable longer
    extends nearly always (at least `ratio` of their count). Longest first, so that a dropped
    phrase always has a kept extension: the engine finds its count there (PhraseBook.support)."""
    rows, counts = [], []
    kept_next = None
    for n in range(MAX_LEN, MIN_LEN - 1, -1):
        keys, cnt, pos = mined[n]
        drop = np.zeros(len(keys), dtype=bool)
        if n + 1 in mined:
            lk, lc, lp = mined[n + 1]
            if kept_next is not None:
                lk, lc, lp = lk[kept_next], lc[kept_next], lp[kept_next]
            order = np.argsort(keys)
            # each longer phrase's two sub-phrases of length n: its left and its right part
            for off in (0, 1):
                sub = window_hashes(stream[lp[:, None] + np.arange(off, off + n)].astype(np.int64), n, rows=True)
                at = np.minimum(np.searchsorted(keys[order], sub), len(keys) - 1)
                hit = keys[order][at] == sub
                best = np.zeros(len(keys), dtype=np.int64)
                np.maximum.at(best, order[at[hit]], lc[hit])
                drop |= best >= ratio * cnt
        kept_next = ~drop
        for p, c in zip(pos[~drop], cnt[~drop]):
            rows.append(stream[p:p + n])
            counts.append(c)
        print(f"  {n}-grams: {int((~drop).sum()):,} after pruning", file=sys.stderr)
    table = np.full((len(rows), MAX_LEN), -1, dtype=np.int32)
    for r, ids in enumerate(rows):
        table[r, :len(ids)] = ids
    return table, np.array(counts, dtype=np.int32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=HERE.parent / "phrases.npz")
    ap.add_argument("--lm", type=Path, default=HERE.parent / "lm.npz")
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--closed", type=float, default=0.9,
                    help="drop a phrase a longer one extends at least this share of the time")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--genre-weight", type=int, default=3)
    ap.add_argument("--cache", type=Path, help="keep the id stream here to speed up rebuilds")
    a = ap.parse_args()
    t0 = time.time()
    lm = LanguageModel(a.lm)
    if a.cache and a.cache.exists():
        stream = np.load(a.cache)
    else:
        stream = read_stream(a.data, lm, a.jobs, a.genre_weight)
        if a.cache:
            np.save(a.cache, stream)
    print(f"corpus: {len(stream):,} tokens ({time.time() - t0:.0f} s)", file=sys.stderr)
    mined = mine(stream, word_mask(lm), a.min_count)
    table, counts = closed(stream, mined, a.closed)
    np.savez_compressed(a.out, phrases=table, counts=counts, vocab_size=np.array([lm.V]))
    print(f"wrote {a.out}: {len(table):,} phrases ({a.out.stat().st_size / 1e6:.1f} MB, "
          f"{time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
