#!/usr/bin/env python3
"""Time the DOCX export (pipeline/export/docx.py) on plans of growing length.

Usage: python benchmarks/bench_docx.py [--repeat N]
The plan is the fictional commune plan of tests/docx_samples.py, its body repeated to make
longer documents (about 45 text lines a page). Prints, per size: lines, seconds to write the
DOCX (best of --repeat runs), with and without review mode, and the peak memory of the process.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.export.docx import write_docx  # noqa: E402
from tests.docx_samples import CHANGES, TAN_PHONG, quality_for, restored_from, tan_phong  # noqa: E402


def long_plan(copies: int):
    plan, _ = tan_phong()
    head, rest = TAN_PHONG.split("Căn cứ", 1)
    body, closing = rest.split("Nơi nhận:", 1)
    text = head + ("Căn cứ" + body) * copies + "Nơi nhận:" + closing
    restored = restored_from(text, CHANGES)
    plan.quality = quality_for(restored)
    return plan, restored


def best_time(plan, restored, dest: Path, review: bool, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        write_docx(plan, restored, dest, review=review)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "bench.docx"
        write_docx(*tan_phong(), dest)                     # warm-up: imports, template load
        print(f"{'copies':>6} {'lines':>6} {'plain s':>8} {'review s':>9}")
        for copies in (1, 10, 40):
            plan, restored = long_plan(copies)
            plain = best_time(plan, restored, dest, False, args.repeat)
            review = best_time(plan, restored, dest, True, args.repeat)
            print(f"{copies:>6} {len(restored.lines):>6} {plain:>8.3f} {review:>9.3f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
