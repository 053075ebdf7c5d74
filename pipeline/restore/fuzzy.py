"""The fallback's shortlist through learned confusions: a token undone before the fuzzy search.

The channel's fallback (channel.Channel._fallback) looks for syllables whose bare letters are
within two edits of the token's. An engine that writes one letter as two (`rn` for m, `cl` for d,
`ii` for ư, `it` for ứ) or as a digit (`6` for ô) spends one or two of those edits on a single
letter, and a word with two such misreadings (`nhitng` những, `tnrong`) falls out of reach or
drowns among the hundreds of syllables two edits away. So before the search the token is undone:
every string the letter model (channel-<kind>.tsv) learned a letter to be written as, of two or
more characters or a single non-letter, is replaced back by that letter's bare form, alone or
two at a time, cheapest first (cost = -log P(string | letter)). Syllables that such a variant
spells exactly, or within one edit, come before the plain search's in the shortlist that the
letter model then scores: nothing needs to be in the inverse table to be repaired.
"""
from __future__ import annotations

import math
from collections import defaultdict

from .charmodel import START, END, CharModel, base
from .vietnamese import strip_marks

MIN_COUNT = 20           # an emission seen fewer times is no habit
MAX_COST = 7.0           # ... nor one rarer than e^-7 of its letter's emissions
MAX_VARIANTS = 6         # variants searched per token, cheapest first


class Variants:
    """Undo the multi-character and look-alike emissions a letter model learned."""

    def __init__(self, model: CharModel):
        totals: dict[str, float] = defaultdict(float)
        for (sc, _e), c in model.counts.items():
            totals[sc] += c
        best: dict[tuple[str, str], float] = {}
        for (sc, e), c in model.counts.items():
            if sc in (START, END) or c < MIN_COUNT or not e:
                continue
            if len(e) == 1 and (e.isalpha() or e.isspace()):
                continue                    # single letters: the plain search's business
            bare = base(sc)
            if e == bare:
                continue
            cost = -math.log(c / totals[sc])
            if cost <= MAX_COST and cost < best.get((e, bare), 1e9):
                best[(e, bare)] = cost
        self.undo: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for (e, bare), cost in best.items():
            self.undo[e].append((bare, cost))
        self.lengths = sorted({len(e) for e in self.undo}, reverse=True)

    def of(self, o: str, lookalike: dict) -> list[tuple[str, float]]:
        """Bare-letter variants of the lower-case token `o` with their costs, cheapest first
        (the token itself not among them)."""
        edits = []                       # (start, end, replacement, cost)
        for n in self.lengths:
            for i in range(len(o) - n + 1):
                for bare, cost in self.undo.get(o[i:i + n], ()):
                    edits.append((i, i + n, bare, cost))
        if not edits:
            return []
        edits.sort(key=lambda x: x[3])
        edits = edits[:8]
        combos = [(cost, [(a, b, r)]) for a, b, r, cost in edits]
        for x in range(len(edits)):
            for y in range(x + 1, len(edits)):
                (a1, b1, r1, c1), (a2, b2, r2, c2) = edits[x], edits[y]
                if b1 <= a2 or b2 <= a1:
                    combos.append((c1 + c2, [(a1, b1, r1), (a2, b2, r2)]))
        combos.sort(key=lambda x: x[0])
        plain = strip_marks(o).translate(lookalike)
        out, seen = [], {plain}
        for cost, parts in combos:
            text, last = [], 0
            for a, b, r in sorted(parts):
                text.append(o[last:a])
                text.append(r)
                last = b
            text.append(o[last:])
            key = strip_marks("".join(text)).translate(lookalike)
            if key not in seen:
                seen.add(key)
                out.append((key, cost))
                if len(out) >= MAX_VARIANTS:
                    break
        return out
