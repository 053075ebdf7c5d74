#!/usr/bin/env python3
"""Upper-case text read by Tesseract `vie`: how many words restoration gets right.

    python benchmarks/capitals.py [--pages 16] [--cache DIR] [--show]

The held-out pages of ../shared/data/ocr-pairs (0250-0299, whose documents no model was built
from) are written in capitals, rendered by benchmarks/synth_scan.py (clean / office / poor in
turn, bold as capital lines are set) and read by `tesseract -l vie` (cached under --cache,
default $SOHOA_CACHE/capitals). Scored by vnscore.py (syllables, case ignored): as read, restored
without the capitals' channel (the engine's `capitals` set to None), and restored with it.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "dictionaries" / "build"))

import vnscore  # noqa: E402

SHARED_PAIRS = ROOT.parent / "shared" / "data" / "ocr-pairs"
PROFILES = ["clean", "office", "poor"]


def reading(pid: str, i: int, cache: Path) -> tuple[str, str] | None:
    """(the capitals as printed, Tesseract vie's reading) of held-out page `pid`."""
    import synth_scan
    from make_ocr_pairs import page_lines
    src_out, vie_out = cache / f"{pid}.src.txt", cache / f"{pid}.vie.txt"
    if not vie_out.exists():
        lines = [l.upper() for l in (SHARED_PAIRS / f"{pid}.src.txt").read_text(encoding="utf-8").split("\n")
                 if l.strip()]
        text = page_lines(lines, 13.0, "liberation")
        if len(text) < 3:
            return None
        img = synth_scan.render_pages(text, size_pt=13.0, font="liberation")[0]
        arr = synth_scan.degrade(img, synth_scan.PROFILES[PROFILES[i % 3]], random.Random(i))
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "p.png")
            synth_scan.cv2.imwrite(png, arr)
            got = subprocess.run(["tesseract", png, "-", "-l", "vie"], check=True, capture_output=True, text=True,
                                 env=dict(os.environ, OMP_THREAD_LIMIT="1")).stdout
        src_out.write_text("\n".join(text) + "\n", encoding="utf-8")
        vie_out.write_text(got, encoding="utf-8")
    return src_out.read_text(encoding="utf-8"), vie_out.read_text(encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=16)
    ap.add_argument("--cache", help="default $SOHOA_CACHE/capitals (~/.cache/sohoa/capitals)")
    ap.add_argument("--show", action="store_true", help="print the commonest remaining errors")
    args = ap.parse_args()
    cache = Path(args.cache) if args.cache else Path(
        os.environ.get("SOHOA_CACHE", Path.home() / ".cache" / "sohoa")) / "capitals-bench"
    cache.mkdir(parents=True, exist_ok=True)
    got = [reading(f"{n:04d}", n, cache) for n in range(250, 250 + args.pages)]
    got = [g for g in got if g]
    gold = "\n".join(g for g, _ in got)
    read = "\n".join(r for _, r in got)
    from pipeline.restore import restore_string
    from pipeline.restore.engine import get_engine
    engine = get_engine()
    saved = engine.capitals
    rows = [("as read", read)]
    for label, caps in (("restored, without capitals", None), ("restored, with capitals", saved)):
        engine.capitals = caps
        engine._slot_cache.clear()
        rows.append((label, "\n".join(restore_string(r).text for _, r in got)))
    engine.capitals = saved
    engine._slot_cache.clear()
    for label, text in rows:
        res = vnscore.score(gold, text)
        print(f"{label:28s} {res['acc']:.4f} of {res['gold_tokens']} syllables ({len(got)} pages)")
        if args.show and label.endswith("with capitals"):
            for (g, h), c in vnscore.confusions(res, 25):
                print(f"   {g} -> {h}  x{c}")


if __name__ == "__main__":
    main()
