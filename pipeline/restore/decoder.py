"""Trigram Viterbi over a lattice of candidate words.

A paragraph is a sequence of slots; each slot holds candidate LM word ids with their channel
log-probabilities (one candidate for punctuation and numbers). The best path maximises

    sum_t  lm_weight * log P(w_t | w_t-2, w_t-1) + channel_weight * log P(ocr_t | w_t)
           + pair_bonus * [w_t-1 w_t is a dictionary word]

exactly (states are candidate pairs). All LM queries of a paragraph are made in one vectorised
call before the dynamic programme runs, which keeps Python overhead per slot small.

Each chosen word also gets a confidence: the softmax, over its slot's candidates, of the path
score with only that slot changed (neighbours fixed) — a cheap local posterior.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Weights:
    lm: float = 1.0
    channel: float = 1.0
    pair_bonus: float = 0.5


def decode(lm, slots_ids: list[np.ndarray], slots_ch: list[np.ndarray], w: Weights):
    """Best candidate index per slot and its confidence. slots_ids[t]: int array of LM ids."""
    n = len(slots_ids)
    if n == 0:
        return [], []
    bos, eos = lm.bos, lm.eos
    ids = [np.array([bos]), np.array([bos])] + list(slots_ids) + [np.array([eos])]
    ch = [np.zeros(1), np.zeros(1)] + [w.channel * c for c in slots_ch] + [np.zeros(1)]
    T = len(ids)

    # every LM query of the lattice in one call
    shapes, us, vs, ws = [], [], [], []
    for t in range(2, T):
        a, b, c = ids[t - 2], ids[t - 1], ids[t]
        shapes.append((len(a), len(b), len(c)))
        us.append(np.repeat(a, len(b) * len(c)))
        vs.append(np.tile(np.repeat(b, len(c)), len(a)))
        ws.append(np.tile(c, len(a) * len(b)))
    u, v, x = np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
    flat = w.lm * lm.logp(u, v, x)
    if w.pair_bonus:
        flat = flat + w.pair_bonus * lm.is_word_pair(v, x)
    lm_blocks, pos = [], 0
    for shp in shapes:
        size = shp[0] * shp[1] * shp[2]
        lm_blocks.append(flat[pos:pos + size].reshape(shp))
        pos += size

    # delta[i, j]: best score with word i at t-1 and word j at t
    delta = np.zeros((1, 1))
    backs = []
    for t in range(2, T):
        scores = delta[:, :, None] + lm_blocks[t - 2]          # (K_t-2, K_t-1, K_t)
        best_prev = scores.argmax(axis=0)                       # (K_t-1, K_t)
        delta = np.take_along_axis(scores, best_prev[None], axis=0)[0] + ch[t][None, :]
        backs.append(best_prev)
    # trace back
    j = int(np.argmax(delta[:, 0]))      # last slot is </s> (one candidate)
    path = [0, j]                         # indices at T-1, T-2
    for t in range(T - 1, 2, -1):
        i = int(backs[t - 2][path[-1], path[-2]])
        path.append(i)
    path.reverse()                        # indices for t = 1 .. T-1
    choice = path[1:-1]                   # slots only (drop the second <s> and </s>)
    conf = _confidences(ids, ch, lm_blocks, [0] + path)
    return choice, conf[2:-1]


def _confidences(ids, ch, lm_blocks, path):
    """Local posterior of each chosen word: vary one slot, keep the others on the best path."""
    T = len(ids)
    out = [1.0] * T
    for t in range(2, T - 1):
        k = len(ids[t])
        if k == 1:
            continue
        s = ch[t].copy()
        p2, p1 = path[t - 2], path[t - 1]
        s += lm_blocks[t - 2][p2, p1, :]                         # (w_t-2, w_t-1, *)
        if t + 1 < T:
            s += lm_blocks[t - 1][p1, :, path[t + 1]]            # (w_t-1, *, w_t+1)
        if t + 2 < T:
            s += lm_blocks[t][:, path[t + 1], path[t + 2]]       # (*, w_t+1, w_t+2)
        s = s - s.max()
        e = np.exp(s)
        out[t] = float(e[path[t]] / e.sum())
    return out
