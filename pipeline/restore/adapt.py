"""Per-document adaptation of the letter channel: an engine's habits learned from the document.

An engine the channel never saw has habits of its own: `_` for a letter it cannot read (`Lu_t`
luật), a dropped vowel (`thrc` thực), `rn` for m. The global letter model (charmodel.py) knows
them only through its generic prior, so a word that the language model alone cannot place stays
wrong. But the same habit recurs all over a document, and most of its words are restored with
confidence. So, after the first decoding of a legacy document:

1. the confidently restored words (posterior >= CONFIDENT) become aligned pairs (syllable, what
   the OCR wrote);
2. hard EM, ROUNDS times: align the pairs letter by letter with the current model, count the
   document's emissions, and mix them with the global model (DocumentModel: a Dirichlet prior of
   weight PRIOR on the global probabilities, backed off through the letter's family and, for the
   letters an engine without Vietnamese cannot read, through all of them: an engine that writes
   `_` for ậ writes it for ồ too);
3. unless the document's model explains those pairs hardly better than the global one (MIN_GAIN:
   an engine the channel was trained on), the unsure words (posterior below UNSURE, kept as a
   non-syllable, or kept as read with an accent) get their candidates again from the adapted
   model: their old candidates rescored, plus the syllables near the token by bare letters
   (channel.SyllableIndex.near), rescored;
4. each run of them is decoded again, the CONTEXT words on either side held as chosen.

Documents with fewer than MIN_PAIRS confident words, or with no unsure word, are left as the first
decoding made them. The cost is bounded by rescoring only unsure words, each distinct token once,
and decoding again only their runs (benchmarks/unseen_engines.py measures it).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from .charmodel import END, MAX_EMIT, START, CharModel, _viterbi, base, family
from .channel import blend_logp
from .decoder import decode
from .vietnamese import is_valid_syllable, place_tone, strip_marks

CONFIDENT = 0.9       # a word decoded at least this sure is a pair to learn from
UNSURE = 0.9          # a word decoded less sure than this is decoded again
MIN_PAIRS = 30        # fewer confident words than this: too little to learn a document's habits
ROUNDS = 1            # hard-EM rounds (align, count, mix): 2 and 3 changed nothing on Ocrad pages
MAX_PAIRS = 200       # distinct pairs learned from, at most (the commonest; enough for the habits)
# Adapt only when the document's model explains its sure words this much better than the global
# one (nats a word): Tesseract `eng` pages (held-out) gain 0.14-0.57, pages read by Ocrad, GOCR and
# an OmniPage layer 2.8-4.7 (benchmarks/unseen_engines.py); below, rescoring changes little and costs.
MIN_GAIN = 1.0
PRIOR = 8.0           # weight (in letters) of the global model against the document's counts
OLD_SCORED = 10       # the first decoding's best candidates of an unsure word, rescored ...
NEAR_LIMIT = 24       # bare-letter neighbours looked at per unsure token ...
NEAR_SCORED = 10      # ... of which the commonest are scored by the adapted model
KEEP = 14             # candidates kept per rescored word (channel + unigram prior), as engine.Settings
CONTEXT = 2           # words held on either side of a run of words decoded again


def is_marked(letter: str) -> bool:
    """A letter outside ASCII (ậ, ư, đ): what an engine without Vietnamese misreads."""
    return len(letter) == 1 and not letter.isascii() and letter.isalpha()


class DocumentModel:
    """The global letter model with one document's emission counts on top.

    P(e | c) = (n(c, e) + PRIOR Q(e | c)) / (n(c) + PRIOR), Q the same with the counts of c's
    family (ổ, ố, ô ...), backed off to R(e | c) = (1 - phi) P_global(e | c) + phi pool(e), where
    pool holds what the document's marked letters were written as when it was no letter of
    theirs (`_`, ``, `?`) and phi the share of such emissions among all of the marked letters'.
    Duck-typed as a CharModel for charmodel._viterbi (it needs emit_logp only)."""

    def __init__(self, model: CharModel, counts: Counter):
        self.model = model
        by_char: dict[str, Counter] = defaultdict(Counter)
        by_family: dict[str, Counter] = defaultdict(Counter)
        pool: Counter = Counter()
        marked_total = 0
        for (c, e), n in counts.items():
            by_char[c][e] += n
            by_family[family(c)][e] += n
            if is_marked(c):
                marked_total += n
                if base(c) not in strip_marks(e).lower():
                    pool[e] += n
        self.by_char, self.by_family = dict(by_char), dict(by_family)
        self.char_total = {c: sum(d.values()) for c, d in self.by_char.items()}
        self.family_total = {f: sum(d.values()) for f, d in self.by_family.items()}
        foreign = sum(pool.values())
        self.phi = foreign / (marked_total + PRIOR) if marked_total else 0.0
        self.pool = {e: n / foreign for e, n in pool.items()} if foreign else {}
        self._tables: dict[str, dict[str, float]] = {}
        self._letters: dict[str, tuple] = {}

    def emit_logp(self, c: str, e: str) -> float:
        table = self._tables.get(c)
        if table is None:
            table = self._tables[c] = {}
        got = table.get(e)
        if got is None:
            got = table[e] = self._emit(c, e)
        return got

    def _emit(self, c: str, e: str) -> float:
        info = self._letters.get(c)
        if info is None:
            info = self._letters[c] = self._letter(c)
        own, fam, marked, shift, nf, nc = info
        g = self.model.emit_logp(c, e)
        if e not in own and e not in fam and not (marked and e in self.pool):
            # nothing of the document's on this emission (most are so): the global probability,
            # scaled by the mass the document's counts took
            return g + shift
        p = math.exp(g)
        if marked and self.phi:
            p = (1 - self.phi) * p + self.phi * self.pool.get(e, 0.0)
        if nf:
            p = (fam.get(e, 0) + PRIOR * p) / (nf + PRIOR)
        if nc:
            p = (own.get(e, 0) + PRIOR * p) / (nc + PRIOR)
        return math.log(max(p, 1e-30))

    def _letter(self, c: str):
        f = family(c)
        own, fam = self.by_char.get(c, {}), self.by_family.get(f, {})
        nf, nc = self.family_total.get(f, 0), self.char_total.get(c, 0)
        marked = is_marked(c) and bool(self.phi)
        shift = (math.log(1 - self.phi) if marked else 0.0) + math.log(PRIOR / (nf + PRIOR)) \
            + math.log(PRIOR / (nc + PRIOR))
        return own, fam, marked, shift, nf, nc

    def logp(self, o: str, s: str) -> float:
        return self.scorer(o)(s)

    def scorer(self, o: str):
        """log P(o | s) for many s: charmodel._viterbi without the trace back, its columns
        kept by source prefix (the tone variants of a syllable share all but their vowel), its
        emissions looked up per letter. This runs for every candidate of an unsure word."""
        n = len(o)
        neg = -1e18
        subs = [[o[j:j + k] for k in range(min(MAX_EMIT, n - j) + 1)] for j in range(n + 1)]
        columns: dict[str, list[float]] = {"": [0.0] + [neg] * n}
        tables = self._tables

        rows: dict[str, list] = {}

        def emissions(c: str) -> list:
            """Per start j, the (end, log-prob) of every emission of letter c from there."""
            table = tables.get(c)
            if table is None:
                table = tables[c] = {}
            out = []
            for j in range(n + 1):
                row = []
                for k, e in enumerate(subs[j]):
                    lp = table.get(e)
                    if lp is None:
                        lp = table[e] = self._emit(c, e)
                    row.append((j + k, lp))
                out.append(row)
            rows[c] = out
            return out

        def column(prefix: str) -> list[float]:
            got = columns.get(prefix)
            if got is not None:
                return got
            best = column(prefix[:-1])
            c = prefix[-1]
            em = rows.get(c) or emissions(c)
            new = [neg] * (n + 1)
            for j in range(n + 1):
                b = best[j]
                if b <= neg:
                    continue
                for end, lp in em[j]:
                    if b + lp > new[end]:
                        new[end] = b + lp
            columns[prefix] = new
            return new

        def score(s: str) -> float:
            last = column(START + s + END)[n]
            return last if last > neg else -1e9
        return score


# Alignments under the global model, shared by all documents (the first EM round's).
_global_paths: dict[tuple[int, str, str], list] = {}
GLOBAL_PATHS_MAX = 20_000      # ~1 kB each


def _align(model, o: str, s: str) -> list:
    if o == s:              # read as written: every letter itself (whatever the model)
        return [(START, "")] + [(c, c) for c in s] + [(END, "")]
    if isinstance(model, DocumentModel):
        return _viterbi(model, o, s)[1]
    key = (id(model), o, s)
    path = _global_paths.get(key)
    if path is None:
        if len(_global_paths) >= GLOBAL_PATHS_MAX:
            _global_paths.clear()
        path = _global_paths[key] = _viterbi(model, o, s)[1]
    return path


def estimate(model: CharModel, pairs: Counter, rounds: int | None = None):
    """The document's model after `rounds` of hard EM over its (syllable, token) pairs."""
    # the commonest pairs, and those read otherwise than written, carry what there is to learn
    pairs = Counter(dict(sorted(pairs.items(), key=lambda kv: (kv[0][0] == kv[0][1], -kv[1]))[:MAX_PAIRS]))
    current = model
    for _ in range(rounds or ROUNDS):
        counts: Counter = Counter()
        for (s, o), n in pairs.items():
            for c, e in _align(current, o, s):
                counts[(c, e)] += n
        current = DocumentModel(model, counts)
    # how much better the document's model explains its own pairs, in nats a word
    current.gain = sum(n * (current.emit_logp(c, e) - model.emit_logp(c, e))
                       for (c, e), n in counts.items()) / max(sum(pairs.values()), 1)
    return current


def token_of(core: str, _cache: dict = {}) -> str:
    """The OCR word as the channel reads it: lower case, tone marks placed (memoised: every word
    of a long document passes here)."""
    got = _cache.get(core)
    if got is None:
        if len(_cache) > 50_000:
            _cache.clear()
        got = _cache[core] = place_tone(core.lower(), "new")
    return got


def confident_pairs(engine, slots, choice, conf, cores) -> Counter:
    """(syllable, OCR token) of every word slot decoded at least CONFIDENT sure."""
    pairs: Counter = Counter()
    for s, c, p in zip(slots, choice, conf):
        if s.where is None or p < CONFIDENT:
            continue
        core = cores[s.where]
        out = s.outs[c]
        o = token_of(core)
        if out is None:
            if engine.lm.id_of(o) not in engine.candidate_set:
                continue
            word = o
        elif type(out) is not str:       # an abbreviation written as it is (engine.Literal)
            continue
        else:
            word = out
        pairs[(word, o)] += 1
    return pairs


def unsure_slots(slots, choice, conf, cores) -> list[int]:
    """Word slots to decode again: unsure ones; words kept although no syllable; and words kept
    as read with an accented letter (`nám`, `thuê`): an engine without Vietnamese that writes
    Latin-1 accents puts them where it sees ink, not where the word has them, which only the
    document's own pairs can tell (á for ă, ê for ế)."""
    out = []
    for k, (s, c, p) in enumerate(zip(slots, choice, conf)):
        if s.where is None or len(s.ids) < 2:
            continue
        core = cores[s.where]
        kept = s.outs[c] is None or s.outs[c] == token_of(core)
        if p < UNSURE or (kept and (not core.isascii() or not is_valid_syllable(core.lower()))):
            out.append(k)
    return out


def adapt(engine, slots, choice, conf, runners_up, cores, settings, refine) -> int:
    """Adapt the channel to the document and decode its unsure words again, in place (slots,
    choice, conf, runners_up). `cores` maps a slot's `where` to its OCR word; `refine(slot)`
    applies what the engine adds to a word slot after the channel (the reviewers' corrections).
    Returns how many slots were rebuilt."""
    pairs = confident_pairs(engine, slots, choice, conf, cores)
    if sum(pairs.values()) < MIN_PAIRS:
        return 0
    channel = engine.channels["eng"]
    model = estimate(channel.model, pairs)
    if model.gain < MIN_GAIN:       # an engine the channel knows: nothing to learn
        return 0
    redo = unsure_slots(slots, choice, conf, cores)
    if not redo:
        return 0
    lm = engine.lm
    rebuilt: dict[str, tuple] = {}
    changed = []
    for k in redo:
        slot = slots[k]
        o = token_of(cores[slot.where])
        cands = rebuilt.get(o)
        if cands is None:
            cands = rebuilt[o] = _rescored(engine, channel, model, o, slot)
        if cands is None:
            continue
        ids, ch, outs = cands
        keep = [j for j, out in enumerate(slot.outs) if out is None]
        new = type(slot)(np.concatenate([ids, slot.ids[keep]]), np.concatenate([ch, slot.ch[keep]]),
                         outs + [None] * len(keep), slot.where)
        slots[k] = refine(new)
        changed.append(k)
    if changed:
        _redecode(lm, slots, changed, settings.weights, choice, conf, runners_up)
    return len(changed)


def _rescored(engine, channel, model: DocumentModel, o: str, slot):
    """The syllable candidates of token `o` under the document's model: the slot's own and the
    syllables near it by bare letters, the best KEEP by channel + unigram prior."""
    lm = engine.lm
    uni = lm.uni
    ids = {int(i) for i, out in list(zip(slot.ids, slot.outs))[:OLD_SCORED] if out is not None and type(out) is str}
    key = strip_marks(o).translate(channel.lookalike)
    near = channel.index.near(key, limit=NEAR_LIMIT)
    near = sorted(set(near) - ids, key=lambda i: -uni[i])[:NEAR_SCORED]
    ids.update(near)
    if not ids:
        return None
    scored = []
    score = model.scorer(o)
    for i in ids:
        s = lm.vocab[i]
        lp = blend_logp(channel.observed.get((s, o), 0), channel.syllable_total.get(s, 0), score(s))
        scored.append((lp + float(uni[i]), i, lp))
    scored.sort(reverse=True)
    kept = scored[:KEEP]
    return (np.array([i for _, i, _ in kept]), np.array([lp for _, _, lp in kept], dtype=np.float64),
            [lm.vocab[i] for _, i, _ in kept])


def _redecode(lm, slots, changed, weights, choice, conf, runners_up) -> None:
    """Decode the rebuilt slots again, every other word held as chosen: each run of rebuilt slots
    (runs closer than CONTEXT merge) between the CONTEXT chosen words on either side, all runs in
    one call. Exact for the trigram model given those words, and far cheaper than decoding the
    document again."""
    runs: list[list[int]] = []
    for k in sorted(changed):
        if runs and k - runs[-1][-1] <= CONTEXT + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    bos = np.array([lm.bos])
    eos = np.array([lm.eos])
    zero = np.zeros(1)
    ids, ch, where = [], [], []
    for run in runs:
        a, b = run[0], run[-1]
        ids += [bos, bos]
        ch += [zero, zero]
        where += [None, None]
        for k in range(max(a - CONTEXT, 0), min(b + CONTEXT + 1, len(slots))):
            if a <= k <= b:
                ids.append(slots[k].ids)
                ch.append(slots[k].ch)
                where.append(k)
            else:                                   # held as chosen
                ids.append(slots[k].ids[choice[k]:choice[k] + 1])
                ch.append(zero)
                where.append(None)
        ids.append(eos)
        ch.append(zero)
        where.append(None)
    runners: list = []
    c, p = decode(lm, ids, ch, weights, runners)
    for k, ck, pk, rk in zip(where, c, p, runners):
        if k is not None:
            choice[k], conf[k], runners_up[k] = ck, pk, rk
