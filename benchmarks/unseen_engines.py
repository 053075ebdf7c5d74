#!/usr/bin/env python3
"""Restoration of text from OCR engines the models never saw: GNU Ocrad and GOCR.

    python benchmarks/unseen_engines.py [--pages 20] [--profile office] [--engines ocrad,gocr]

The source texts of held-out shared pages (../shared/data/ocr-pairs 0250-0299: in neither the
language model nor the channel tables) are rendered as scans with benchmarks/synth_scan.py and
read with `ocrad` and `gocr`, two engines without any Vietnamese whose habits the channel was
never trained on (`_` for a letter they cannot read, `rn` for m ...). Each page is one document:
its reading is restored as text, with and without per-document adaptation
(pipeline/restore/adapt.py), and scored by vnscore.py (syllable accuracy, tone placement
ignored). The cost of adaptation is the ratio of the two restoration times, on the same pages:
with warm word caches (the decoding alone, the harder case for the ratio) and cold ones (a new
process restoring the page).

Renderings and readings are cached under $SOHOA_CACHE/unseen (default ~/.cache/sohoa/unseen).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import vnscore  # noqa: E402

PAIRS = ROOT.parent / "shared" / "data" / "ocr-pairs"
HELDOUT = range(250, 300)


def cache_dir() -> Path:
    return Path(os.environ.get("SOHOA_CACHE", Path.home() / ".cache" / "sohoa")) / "unseen"


def pgm_pages(src: Path, dest: Path, profile: str) -> list[Path]:
    """The page's source text rendered as scans (gray PNM, which both engines read)."""
    done = sorted(dest.glob(f"{src.name.split('.')[0]}-p*.pgm"))
    if done:
        return done
    from PIL import Image
    prefix = dest / src.name.split(".")[0]
    out = subprocess.run([sys.executable, str(HERE / "synth_scan.py"), str(src), str(prefix), "--profile", profile],
                         check=True, capture_output=True, text=True).stdout.split()
    pages = []
    for png in out:
        pgm = Path(png).with_suffix(".pgm")
        Image.open(png).convert("L").save(pgm)
        Path(png).unlink()
        pages.append(pgm)
    return pages


ENGINES = {
    "ocrad": lambda pgm: ["ocrad", "-F", "utf8", str(pgm)],
    "gocr": lambda pgm: ["gocr", "-f", "UTF8", "-i", str(pgm)],
}


# GOCR can spend many minutes on a page of mostly noise (the short last page of a document):
# a page not read within this many seconds is left out for that engine.
PAGE_TIMEOUT = 60


def reading(engine: str, pages: list[Path]) -> str | None:
    """The engine's text of the pages (None when a page took too long), cached beside them."""
    cached = pages[0].parent / f"{pages[0].stem.rsplit('-p', 1)[0]}.{engine}.txt"
    if cached.exists():
        text = cached.read_text(encoding="utf-8")
        return None if text == "<timeout>" else text
    try:
        texts = [subprocess.run(ENGINES[engine](p), check=True, capture_output=True, timeout=PAGE_TIMEOUT)
                 .stdout.decode("utf-8", "replace") for p in pages]
        text = "\n".join(texts)
    except subprocess.TimeoutExpired:
        text = "<timeout>"
    cached.write_text(text, encoding="utf-8")
    return None if text == "<timeout>" else text


def cold(engine) -> None:
    """Forget every word seen so far, as a new process would (the models stay loaded)."""
    engine._slot_cache.clear()
    for channel in engine.channels.values():
        channel._cache.clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=20, help="how many held-out pages (from 0250)")
    ap.add_argument("--profile", default="office", help="synth_scan.py profile (clean, office, poor)")
    ap.add_argument("--engines", default="ocrad,gocr")
    ap.add_argument("--show", type=int, default=0, help="print the commonest remaining errors")
    a = ap.parse_args()
    from pipeline.model import RawText
    from pipeline.restore.engine import get_engine

    engine = get_engine()
    folder = cache_dir() / a.profile
    folder.mkdir(parents=True, exist_ok=True)
    sources = [PAIRS / f"{n:04d}.src.txt" for n in HELDOUT][: a.pages]
    print(f"{'engine':8} {'pages':>5} {'syllables':>9} {'as read':>8} {'restored':>9} {'adapted':>8} {'cost warm':>9} {'cold':>6}")
    for name in a.engines.split(","):
        gold_all, raw_all, plain_all, adapted_all = [], [], [], []
        t_cold = {False: 0.0, True: 0.0}
        t_warm = {False: 0.0, True: 0.0}
        for src in sources:
            text = reading(name, pgm_pages(src, folder, a.profile))
            if text is None:
                continue
            raw = RawText.from_string(text)
            for adapt in (False, True):
                cold(engine)
                t = time.process_time()
                engine.restore(raw, adapt=adapt)
                t_cold[adapt] += time.process_time() - t
            t = time.process_time()
            plain = engine.restore(raw, adapt=False).text
            t_warm[False] += time.process_time() - t
            t = time.process_time()
            adapted = engine.restore(raw, adapt=True).text
            t_warm[True] += time.process_time() - t
            gold_all.append(src.read_text(encoding="utf-8"))
            raw_all.append(text)
            plain_all.append(plain)
            adapted_all.append(adapted)
        g = "\n".join(gold_all)
        r0, r1, r2 = (vnscore.score(g, "\n".join(x)) for x in (raw_all, plain_all, adapted_all))
        print(f"{name:8} {len(gold_all):5d} {r1['gold_tokens']:9d} {r0['acc']:8.2%} {r1['acc']:9.2%} "
              f"{r2['acc']:8.2%} {t_warm[True] / t_warm[False]:8.2f}x {t_cold[True] / t_cold[False]:5.2f}x", flush=True)
        if a.show:
            for (x, y), k in vnscore.confusions(r2, a.show):
                print(f"      {k:4d}  {x} -> {y}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    raise SystemExit(main())
