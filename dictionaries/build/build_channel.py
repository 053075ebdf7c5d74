#!/usr/bin/env python3
"""Learn the OCR channel from page triples and write its tables to dictionaries/.

    python dictionaries/build/build_channel.py [--pairs DIR ...] [--kinds eng] [--base DIR]
                                               [--weight W] [--mix-eng 0.5]

Input: ../shared/data/ocr-pairs (300 pages) and the pages made by make_ocr_pairs.py
(default $SOHOA_CACHE/pairs), minus the held-out pages (pairs.is_heldout). Never the samples.
--base DIR adds the observed counts of an earlier build (its confusions-<kind>.tsv and
initials-<kind>.tsv, which are the complete pair counts of its pages) to those of the pages
given, so that a build can extend one whose pages are no longer on disk; do not pass the pages
of that earlier build again, or they count twice. --kinds eng rebuilds the legacy tables only
and keeps the `vie` ones (and their part of candidates.npz) as they are. --mix-eng builds the
legacy table from two channels (Tesseract `eng`'s own, and every legacy engine's): see main().

For each OCR condition (`eng`: the legacy mangling, learned from Tesseract `eng`, the other
Latin-script Tesseract models and gocr: pairs.READINGS; `vie`: Tesseract's Vietnamese model) it
writes:
  channel-<kind>.tsv     letter emission counts (source letter, emitted string, count), learned
                         by hard EM: align every (syllable, OCR token) pair with the current
                         model, recount, three rounds (charmodel.py scores with them);
  confusions-<kind>.tsv  observed (syllable, OCR token, count) pairs;
and candidates.npz: for every syllable of the language model's vocabulary, its likely OCR
renderings (beam search over the letter emissions, plus every observed rendering), stored as an
inverse table: 64-bit hash of the rendering -> (syllable id, log P(rendering | syllable)).
"""
from __future__ import annotations

import argparse
import heapq
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pairs  # noqa: E402

from pipeline.restore.channel import blend_logp, read_counts, rendering_hash, write_counts  # noqa: E402
from pipeline.restore.charmodel import END, GENERIC_SHARE, START, CharModel  # noqa: E402
from pipeline.restore.lm import LanguageModel  # noqa: E402
from pipeline.restore.engine import load_acronyms  # noqa: E402
from pipeline.restore.vietnamese import is_valid_syllable  # noqa: E402

KINDS = ("eng", "vie")
READ_BY = {"eng": "legacy OCR (Tesseract " + ", ".join(e for e in pairs.LEGACY_ENGINES if e != "gocr") + "; gocr)",
           "vie": "Tesseract `vie`"}
# Beam search over emissions: renderings less likely than this are left to the run-time fallback.
MIN_LOGP = {"eng": -11.0, "vie": -11.0}
MAX_RENDERINGS = {"eng": 120, "vie": 40}
LOGP_QUANT = 100.0
# At most this many renderings per syllable from other engines' channel (--mix-eng): every one
# more is a candidate some token may bring to the decoder (40 restored the other engines' pages
# 0.05 point better and the OmniPage layer 0.6, but cost the decoder 9 % more candidates against
# 6 %). Adding only strings Tesseract `eng` never makes kept the speed but lost most of the gain.
MAX_OTHERS = 15


def train_charmodel(pair_counts: Counter, share: float, rounds: int = 3) -> tuple[CharModel, Counter]:
    model = CharModel({}, share)
    counts: Counter = Counter()
    for r in range(rounds):
        counts = Counter()
        for (s, o), c in pair_counts.items():
            for sc, e in model.align(o, s):
                counts[(sc, e)] += c
        model = CharModel(dict(counts), share)
        print(f"  round {r + 1}: {len(counts)} emission types", file=sys.stderr)
    return model, counts


def renderings(model: CharModel, s: str, min_logp: float, limit: int) -> list[tuple[str, float]]:
    """The most likely OCR strings of syllable s under the letter model (beam search)."""
    beam = [("", 0.0)]
    for sc in START + s + END:
        options = model.top_emissions(sc, min_logp, limit=10)
        nxt: dict[str, float] = {}
        for out, lp in beam:
            for e, elp in options:
                v = lp + elp
                if v < min_logp:
                    continue
                key = out + e
                if v > nxt.get(key, -1e9):
                    nxt[key] = v
        beam = heapq.nlargest(limit * 4, nxt.items(), key=lambda x: x[1])
    return [(o, lp) for o, lp in heapq.nlargest(limit, beam, key=lambda x: x[1]) if o]


def syllable_logps(model: CharModel, pair_counts: Counter, sylls, kind: str, extra=None) -> list[dict[str, float]]:
    """For every candidate syllable, its likely OCR renderings with log P(rendering | syllable)
    (observed counts blended with the letter model): the beam's, every observed one, and those of
    `extra` (another table, so that two tables can be mixed over the same renderings)."""
    by_syll: dict[str, Counter] = {}
    for (s, o), c in pair_counts.items():
        by_syll.setdefault(s, Counter())[o] += c
    out = []
    for k, (_sid, s) in enumerate(sylls):
        observed = by_syll.get(s, Counter())
        total = sum(observed.values())
        cands = dict(renderings(model, s, MIN_LOGP[kind], MAX_RENDERINGS[kind]))
        for o in list(observed) + (list(extra[k]) if extra else []):
            if o not in cands:
                cands[o] = model.logp(o, s)
        out.append({o: blend_logp(observed.get(o, 0), total, lp) for o, lp in cands.items()})
    return out


def candidate_syllables(lm: LanguageModel) -> list[tuple[int, str]]:
    """Words the restorer may output: the well-formed Vietnamese syllables of the LM vocabulary
    and the known abbreviations (ubnd, hđnd). Foreign words and extraction debris (usb, đượ)
    are never proposed, only kept where the input has them."""
    acronyms = {a.lower() for a in load_acronyms(HERE.parent)[0] if a.isalpha()}
    return [(i, w) for i, w in enumerate(lm.vocab)
            if w.isalpha() and (is_valid_syllable(w) or w in acronyms)]


def write_confidence_table(path: Path, items) -> None:
    """How often Tesseract `vie` read a word right, by its word confidence (buckets of 10)."""
    right, total = Counter(), Counter()
    for conf, ok in items:
        b = min(max(int(conf // 10), 0), 9) * 10
        right[b] += ok
        total[b] += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Tesseract `vie` word confidence bucket, words read right, words; rendered pages; "
                "built by dictionaries/build/build_channel.py\n")
        for b in range(0, 100, 10):
            f.write(f"{b}\t{right[b]}\t{total[b]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=Path, nargs="*", default=[pairs.SHARED_PAIRS, pairs.default_generated()])
    ap.add_argument("--out", type=Path, default=HERE.parent)
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                    help="which channels to rebuild; the others keep their tables")
    ap.add_argument("--base", type=Path, default=None,
                    help="folder of an earlier build's tables whose counts are added to the pages' counts")
    ap.add_argument("--weight", type=float, default=1.0,
                    help="how many times the pages' counts count against --base's")
    ap.add_argument("--mix-eng", type=float, default=0.0,
                    help="legacy table from two channels: Tesseract `eng`'s own, and every legacy "
                         "engine's with its odds times (1 - MIX_ENG) (0: every engine's pooled only)")
    a = ap.parse_args()
    t0 = time.time()
    lm = LanguageModel(a.out / "lm.npz")
    sylls = candidate_syllables(lm)
    tables = {}
    base_counts: dict[Path, dict] = {}
    if a.base:   # read now: --base may be --out, whose tables are about to be rewritten
        for kind in a.kinds:
            for name in (f"confusions-{kind}.tsv", f"initials-{kind}.tsv"):
                base_counts[name] = read_counts(a.base / name)
    kept = [k for k in KINDS if k not in a.kinds]
    if kept:
        old = np.load(a.out / "candidates.npz")
        if int(old["vocab_size"][0]) != lm.V or old["candidate_ids"].tolist() != [i for i, _ in sylls]:
            raise SystemExit(f"{a.out / 'candidates.npz'} was built for another LM: rebuild every kind")
        for k in kept:
            tables[k] = tuple(old[f"{k}_{n}"] for n in ("hash", "id", "logp"))
    for kind in a.kinds:
        pair_counts = Counter(pairs.syllable_pairs(a.pairs, kind))
        print(f"{kind}: {sum(pair_counts.values()):,} aligned tokens, {len(pair_counts):,} distinct pairs "
              f"from {', '.join(pairs.READINGS[kind])}", file=sys.stderr)
        # Capitals misread (Đ as P or B) from Tesseract `eng` alone when the legacy table mixes
        # engines: the others' first letters align poorly (gocr splits words), and every
        # capital the table lists makes restoration look the word up a second time.
        initials = Counter(pairs.initial_pairs(a.pairs, kind, ("eng",) if kind == "eng" and a.mix_eng > 0 else None))
        if a.weight != 1.0:
            pair_counts = Counter({k: round(c * a.weight) for k, c in pair_counts.items()})
            initials = Counter({k: round(c * a.weight) for k, c in initials.items()})
        pair_counts.update(base_counts.get(f"confusions-{kind}.tsv", {}))
        initials.update(base_counts.get(f"initials-{kind}.tsv", {}))
        model, emissions = train_charmodel(pair_counts, GENERIC_SHARE[kind])
        what = READ_BY[kind]
        write_counts(a.out / f"channel-{kind}.tsv", emissions,
                     f"letter emission counts of {what} on rendered Vietnamese; "
                     "built by dictionaries/build/build_channel.py")
        write_counts(a.out / f"confusions-{kind}.tsv", pair_counts,
                     f"observed (syllable, token read by {what}) pairs on rendered pages; "
                     "built by dictionaries/build/build_channel.py")
        write_counts(a.out / f"initials-{kind}.tsv", initials,
                     f"(capital first letter, what {what} read for it) on rendered pages; "
                     "built by dictionaries/build/build_channel.py")
        table = syllable_logps(model, pair_counts, sylls, kind)
        if kind == "eng" and a.mix_eng > 0:
            # two channels: a page read by Tesseract `eng` (the commonest old reading) keeps the
            # odds its own channel gives; the readings only other engines make are added with
            # every engine's odds, discounted. Pooling all the pages into one channel blurs the
            # first; summing the two (a true mixture) lowers every common reading's odds, and
            # more words then fall to the slow letter-model search.
            eng_counts = Counter(pairs.syllable_pairs(a.pairs, kind, engines=("eng",)))
            if a.weight != 1.0:
                eng_counts = Counter({k: round(c * a.weight) for k, c in eng_counts.items() if round(c * a.weight)})
            eng_counts.update(base_counts.get(f"confusions-{kind}.tsv", {}))
            print(f"  Tesseract eng alone: {sum(eng_counts.values()):,} aligned tokens", file=sys.stderr)
            eng_model, _ = train_charmodel(eng_counts, GENERIC_SHARE[kind])
            eng_table = syllable_logps(eng_model, eng_counts, sylls, kind)
            shift = math.log(1 - a.mix_eng)
            mixed = []
            for own, every in zip(eng_table, table):
                others = sorted(((lp + shift, o) for o, lp in every.items() if lp + shift > own.get(o, -1e9)),
                                reverse=True)[:MAX_OTHERS]
                mixed.append({**own, **{o: lp for lp, o in others}})
            table = mixed
        hashes, ids, logps = [], [], []
        for (sid, _s), cands in zip(sylls, table):
            for o, lp in cands.items():
                hashes.append(rendering_hash(o))
                ids.append(sid)
                logps.append(lp)
        h = np.array(hashes, dtype=np.uint64)
        order = np.argsort(h, kind="stable")
        tables[kind] = (h[order], np.array(ids, dtype=np.uint16)[order],
                        np.clip(np.round(-np.array(logps)[order] * LOGP_QUANT), 0, 65535).astype(np.uint16))
        print(f"  {len(h):,} renderings of {len(sylls):,} syllables ({time.time() - t0:.0f} s)", file=sys.stderr)
    if "vie" in a.kinds:
        write_confidence_table(a.out / "ocrconf-vie.tsv", pairs.confidence_pairs(a.pairs, "vie"))
    np.savez_compressed(a.out / "candidates.npz", vocab_size=np.array([lm.V]),
                        candidate_ids=np.array([i for i, _ in sylls], dtype=np.uint16),
                        **{f"{k}_{n}": v for k in KINDS for t in [tables[k]] for n, v in zip(("hash", "id", "logp"), t)})
    print(f"wrote {a.out / 'candidates.npz'} ({(a.out / 'candidates.npz').stat().st_size / 1e6:.1f} MB)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
