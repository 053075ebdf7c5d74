#!/usr/bin/env python3
"""How fast the parse stage is: milliseconds per document and per page, spaCy loading apart.

    python benchmarks/parse.py [FILE.txt ...]      (default: tests/data/plans/*.txt and samples/*.txt)

Each text is parsed (clean text, no restoration) `--repeat` times after one warm-up run that
loads spaCy and the data files; the best time of the repeats is kept (per-text caches are
cleared before each run). A page is counted as 40
non-blank lines (an A4 page of a plan set in 13-14 pt).
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.parse import parse_text  # noqa: E402
from pipeline.parse.assignments import pipeline  # noqa: E402

LINES_PER_PAGE = 40


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = args.files or sorted(p for p in (ROOT / "tests" / "data" / "plans").glob("*.txt")
                                 if p.stem.count(".") == 0) + sorted((ROOT / "samples").glob("*.txt"))
    t = time.perf_counter()
    pipeline()
    load = time.perf_counter() - t
    print(f"spaCy pipeline and data files: {load * 1000:.0f} ms (once per process)")
    total_ms, total_pages = 0.0, 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        parse_text(text)                                    # warm-up
        best = min(_time(parse_text, text) for _ in range(args.repeat))
        pages = max(1, math.ceil(sum(1 for l in text.split("\n") if l.strip()) / LINES_PER_PAGE))
        total_ms += best * 1000
        total_pages += pages
        print(f"{path.name:40s} {pages:2d} page(s) {best * 1000:7.1f} ms  {best * 1000 / pages:6.1f} ms/page")
    print(f"{'all':40s} {total_pages:2d} page(s) {total_ms:7.1f} ms  {total_ms / total_pages:6.1f} ms/page")


def _time(fn, *a) -> float:
    from pipeline.parse import text as text_helpers
    text_helpers.is_upper_text.cache_clear()        # no help from the previous run of this text
    t = time.perf_counter()
    fn(*a)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
