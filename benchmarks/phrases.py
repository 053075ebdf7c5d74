#!/usr/bin/env python3
"""The phrase book and the capitals' channel: restoration with and without them.

    python benchmarks/phrases.py [--rounds 2] [--no-speed]

Accuracy: the held-out pages of ../shared/data/ocr-pairs (0250-0299; their documents are in
no model) as Tesseract `eng` and `vie` read them and as clean text, restored with the engine's
`phrases` and `capitals` off and on, scored by vnscore.py as benchmarks/restore.py scores them.
Speed: the held-out legacy pages of ../shared/data/ocr-pairs (0250-0299, Tesseract `eng`) three times
over, as benchmarks/restore.py times them (one process, cold word cache), restored in turn with
the engine's `phrases` and `capitals` off and on. Measured in CPU time of this process, so that
other work on a shared machine does not blur a difference of a few per cent.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import vnscore  # noqa: E402

SHARED_PAIRS = ROOT.parent / "shared" / "data" / "ocr-pairs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    from pipeline.model import RawText
    from pipeline.restore import restore_text
    from pipeline.restore.engine import get_engine
    from pipeline.restore import restore_string
    engine = get_engine()
    saved = (engine.phrases, engine.capitals)
    gold = "\n".join((SHARED_PAIRS / f"{n:04d}.src.txt").read_text(encoding="utf-8") for n in range(250, 300))
    for kind in ("eng", "vie", "clean"):
        pages = [(SHARED_PAIRS / f"{n:04d}.{'src' if kind == 'clean' else kind}.txt").read_text(encoding="utf-8")
                 for n in range(250, 300)]
        row = []
        for on in (False, True):
            engine.phrases, engine.capitals = saved if on else (None, None)
            engine._slot_cache.clear()
            row.append(vnscore.score(gold, "\n".join(restore_string(p).text for p in pages))["acc"])
        print(f"held-out pages ({kind:5s}): {row[0]:.2%} without, {row[1]:.2%} with phrases and capitals", flush=True)
    engine.phrases, engine.capitals = saved
    if args.no_speed:
        return
    texts = [(SHARED_PAIRS / f"{n:04d}.eng.txt").read_text(encoding="utf-8") for n in range(250, 300)]
    long_text = "\n\n".join(texts * 3)
    n_syll = len(vnscore.tokens(long_text))
    for _ in range(args.rounds):
        for label, on in (("without", False), ("with", True)):
            engine.phrases, engine.capitals = saved if on else (None, None)
            engine._slot_cache.clear()
            for channel in engine.channels.values():
                channel._cache.clear()
            t = time.process_time()
            restore_text(RawText.from_string(long_text))
            dt = time.process_time() - t
            print(f"{label:8s} phrases and capitals: {n_syll:,} syllables in {dt:.2f} s CPU = "
                  f"{n_syll / dt:,.0f} syllables/s", flush=True)
    engine.phrases, engine.capitals = saved


if __name__ == "__main__":
    main()
