"""Trigram Viterbi over a lattice of candidate words.

A document is one sequence of slots; each slot holds candidate LM word ids with their channel
log-probabilities (one candidate for punctuation, numbers, and the <s> <s> ... </s> that frame
each paragraph). The best path maximises

    sum_t  lm_weight * log P(w_t | w_t-2, w_t-1) + channel_weight * log P(ocr_t | w_t)
           + pair_bonus * [w_t-1 w_t is a dictionary word]

exactly (states are candidate pairs). Paragraph frames make the problem separate exactly at
paragraph boundaries, so long documents are decoded in chunks of whole paragraphs. A paragraph
longer than MAX_CHUNK_SLOTS (a text without blank lines, or one line of megabytes) is cut there
and the next piece framed anew: the search is then exact within each piece only, but its time and
memory stay proportional to the text instead of to the square of a paragraph's pieces.

For speed, candidates are padded to the chunk's widest slot and every LM score of the chunk is
computed in a few vectorised calls (lm.py); only the Viterbi recursion itself steps through the
slots. Each chosen word also gets a confidence: the softmax, over its slot's candidates, of the
path score with only that slot changed (neighbours fixed) — a cheap local posterior — and
the same softmax gives the runners-up (`alternatives`: what a reviewer is offered).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEG = -1e9
CHUNK_SLOTS = 2000
# The longest chunk decoded at once, paragraph or not: ~250 MB of lattice at the widest slots
# (N x K^3 float64 with K = KEEP_PER_SLOT); 2,000 slots is ~60 lines of a plan.
MAX_CHUNK_SLOTS = 4 * CHUNK_SLOTS
# Candidates kept per slot for the exact trigram search, chosen by a bigram look at both
# neighbours; the channel proposes up to about twice as many.
KEEP_PER_SLOT = 8
# Runners-up reported per slot, and the least probability worth showing a reviewer.
ALTERNATIVES = 3
MIN_ALTERNATIVE = 0.005


@dataclass
class Weights:
    lm: float = 1.0
    channel: float = 1.0
    pair_bonus: float = 0.5


def decode(lm, slots_ids: list[np.ndarray], slots_ch: list[np.ndarray], w: Weights, alternatives: list | None = None):
    """Best candidate index per slot and its confidence. The slots must be framed: every
    paragraph starts with two <s> slots and ends with a </s> slot. `alternatives`, when given a
    list, receives per slot the runners-up as [(candidate index, probability)], best first."""
    choice: list[int] = []
    conf: list[float] = []
    start = 0
    n = len(slots_ids)
    while start < n:
        end = _chunk_end(lm, slots_ids, start, n)
        ids, ch = slots_ids[start:end], slots_ch[start:end]
        framed = _is(lm.bos, ids[0])
        if not framed:            # the rest of a paragraph cut at MAX_CHUNK_SLOTS: frame it anew
            bos = np.array([lm.bos])
            ids, ch = [bos, bos, *ids], [np.zeros(1), np.zeros(1), *ch]
        runners: list | None = [] if alternatives is not None else None
        c, p = _decode_chunk(lm, ids, ch, w, runners)
        if not framed:
            c, p = c[2:], p[2:]
            runners = runners[2:] if runners is not None else None
        if alternatives is not None:
            alternatives.extend(runners)
        choice.extend(c)
        conf.extend(p)
        start = end
    return choice, conf


def _is(token_id: int, slot: np.ndarray) -> bool:
    return len(slot) == 1 and slot[0] == token_id


def _chunk_end(lm, slots_ids, start, n):
    """The end of a chunk of about CHUNK_SLOTS slots that closes a paragraph, or of
    MAX_CHUNK_SLOTS slots when no paragraph closes before."""
    end = min(start + CHUNK_SLOTS, n)
    if end == n:
        return n
    k, limit = end, min(start + MAX_CHUNK_SLOTS, n)
    while k < limit and not _is(lm.eos, slots_ids[k - 1]):
        k += 1
    return k


def _padded(lm, slots_ids, slots_ch, scale: float):
    N = len(slots_ids)
    K = max(len(s) for s in slots_ids)
    ids = np.full((N, K), lm.unk, dtype=np.int64)
    ch = np.full((N, K), NEG)
    for t, (s, c) in enumerate(zip(slots_ids, slots_ch)):
        ids[t, :len(s)] = s
        ch[t, :len(s)] = scale * c
    return ids, ch, ch > NEG / 2


def _prune(lm, ids, ch, valid, w: Weights, keep: int):
    """Indices (into each slot's candidates) of the `keep` best candidates by their channel score
    plus the best bigram link to each neighbour: a cheap, vectorised look at context, so that
    cứ survives next to căn even though the channel prefers cụ for `cu`."""
    P2 = w.lm * lm.padded_pairs(ids, valid, w.pair_bonus)
    P2 = np.where(valid[:-1, :, None] & valid[1:, None, :], P2, NEG)
    local = ch.copy()
    local[1:] += (ch[:-1, :, None] + P2).max(axis=1)          # best left neighbour
    local[:-1] += (P2 + ch[1:, None, :]).max(axis=2)          # best right neighbour
    local[~valid] = 2 * NEG
    return np.argsort(-local, axis=1, kind="stable")[:, :keep]


def _decode_chunk(lm, slots_ids, slots_ch, w: Weights, alternatives: list | None = None):
    N = len(slots_ids)
    ids, ch, valid = _padded(lm, slots_ids, slots_ch, w.channel)
    if N < 3:
        if alternatives is not None:
            alternatives.extend([()] * N)
        return [int(np.argmax(ch[t])) for t in range(N)], [1.0] * N
    original = None
    if ids.shape[1] > KEEP_PER_SLOT:
        original = _prune(lm, ids, ch, valid, w, KEEP_PER_SLOT)
        rows = np.arange(N)[:, None]
        ids, ch, valid = ids[rows, original], ch[rows, original], valid[rows, original]
    K = ids.shape[1]
    B = lm.padded_lattice(ids, valid, w.pair_bonus)          # B[t-2] scores position t
    if w.lm != 1.0:
        B *= w.lm
    # Viterbi: delta[i, j] best score with candidate i at t-1 and j at t
    delta = np.full((K, K), NEG)
    delta[0, :] = ch[1] + ch[0][0]
    backs = np.zeros((N, K, K), dtype=np.int16)
    for t in range(2, N):
        scores = delta[:, :, None] + B[t - 2]
        backs[t] = scores.argmax(axis=0)
        delta = scores.max(axis=0) + ch[t][None, :]
    i, j = np.unravel_index(int(np.argmax(delta)), delta.shape)
    path = np.zeros(N, dtype=np.int64)
    path[N - 1], path[N - 2] = j, i
    for t in range(N - 1, 1, -1):
        path[t - 2] = backs[t][path[t - 1], path[t]]
    probs = _posteriors(B, ch, path)
    conf = probs[np.arange(N), path]
    if alternatives is not None:
        alternatives.extend(_runners_up(probs, path, original))
    if original is not None:
        path = original[np.arange(N), path]
    return path.tolist(), conf.tolist()


def _runners_up(probs, path, original):
    """Per slot, the other candidates worth showing, as (index into the slot's candidates, p).
    Vectorised: most slots have none (fixed tokens, sure words), and they cost nothing."""
    N = len(path)
    others = probs.copy()
    others[np.arange(N), path] = 0.0
    k = min(ALTERNATIVES, others.shape[1])
    order = np.argsort(-others, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(others, order, axis=1)
    out: list = [()] * N
    for t in np.nonzero(top[:, 0] >= MIN_ALTERNATIVE)[0].tolist():
        idx = original[t, order[t]] if original is not None else order[t]
        out[t] = [(int(i), round(float(p), 4)) for i, p in zip(idx, top[t]) if p >= MIN_ALTERNATIVE]
    return out


def _posteriors(B, ch, path):
    """Local posterior of every candidate of every slot, the neighbours fixed on the path."""
    N = len(path)
    s = ch.copy()
    t = np.arange(2, N)
    s[2:] += B[t - 2, path[t - 2], path[t - 1], :]                  # (w_t-2, w_t-1, *)
    t = np.arange(1, N - 1)
    s[1:N - 1] += B[t - 1, path[t - 1], :, path[t + 1]]             # (w_t-1, *, w_t+1)
    t = np.arange(0, N - 2)
    s[0:N - 2] += B[t, :, path[t + 1], path[t + 2]]                 # (*, w_t+1, w_t+2)
    s -= s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)
