#!/usr/bin/env python3
"""Throughput of `sohoa process` on a folder: files per minute with --jobs 1 and --jobs N, and the
time of a rerun that has nothing to do (every input unchanged: hashing and the manifest only).

Usage: benchmarks/batch.py [--scans 6] [--texts 24] [--jobs N] [WORKDIR]
The inputs are copies of samples/phuc-loc-2025.jpg (a rendered scan: OCR dominates) and of
samples/tam-tien-2024.txt (legacy OCR text: restoration, parsing, DOCX), each made distinct.
Run it on an otherwise idle machine; it prints one line per measurement.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "samples" / "phuc-loc-2025.jpg"
TEXT = ROOT / "samples" / "tam-tien-2024.txt"


def make_inputs(folder: Path, scans: int, texts: int) -> None:
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.open(SCAN)
    for i in range(scans):          # distinct content (one pixel differs), so each is really processed
        img = image.copy()
        img.putpixel((i, 0), (0, 0, 0) if img.mode == "RGB" else 0)
        img.save(folder / f"scan-{i:03d}.jpg", quality=95)
    text = TEXT.read_bytes()
    for i in range(texts):
        (folder / f"text-{i:03d}.txt").write_bytes(text + f"\n{i}\n".encode())


def run(inputs: Path, out: Path, jobs: int) -> float:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pipeline.cli", "process", str(inputs), "-o", str(out),
                        "--jobs", str(jobs)], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", nargs="?", default="/tmp/sohoa-batch-bench")
    ap.add_argument("--scans", type=int, default=6)
    ap.add_argument("--texts", type=int, default=24)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    for kind, scans, texts in (("scans", a.scans, 0), ("texts", 0, a.texts)):
        n = scans + texts
        if not n:
            continue
        inputs = work / kind
        make_inputs(inputs, scans, texts)
        for jobs in sorted({1, a.jobs}):
            out = work / f"out-{kind}-{jobs}"
            seconds = run(inputs, out, jobs)
            print(f"{n:4d} {kind:5}  --jobs {jobs}: {seconds:6.1f} s  {60 * n / seconds:7.1f} files/min")
        seconds = run(inputs, out, a.jobs)
        print(f"{n:4d} {kind:5}  rerun, all unchanged: {seconds:5.2f} s")


if __name__ == "__main__":
    main()
