#!/usr/bin/env python3
"""The batch on a Dask cluster against the local pool, on one machine: throughput, the cost the
cluster path adds to each document, and the per-page cost that sizes a cluster.

Usage: benchmarks/cluster.py [--scans 8] [--texts 12] [--tiny 20,80] [--rounds 3] [WORKDIR]

Starts `dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1 (as the README says), then:
1. the same documents (copies of samples/phuc-loc-2025.jpg, a scanned page, and of
   samples/tam-tien-2024.txt, legacy OCR text, each made distinct) through `sohoa process --jobs 2`
   and through `sohoa process --scheduler`, alternately, `--rounds` times; each run is a fresh
   OUTDIR and a whole `sohoa` command, start-up included. The cluster is warmed by one run first
   (its workers live on; the local pool starts afresh with every command, as it does for users);
2. one-line texts, 20 and then 80 (`--tiny 20,80`), the same way: their work is almost nothing,
   so the time each more document adds (the slope from 20 to 80) is the cost of passing a
   document through the runner (submission, scheduling, result, manifest), and the difference
   between the two slopes is what the cluster path adds to each document; what is left at zero
   documents is the fixed cost of a command (start-up, local pool or cluster connection);
3. the seconds of one worker per scanned page, from the manifest, and what 1 M such pages would
   take on N single-threaded workers.
Run it on an otherwise idle machine; it prints one line per measurement.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.batch import make_inputs  # noqa: E402
from tests.dask_cluster import DaskCluster  # noqa: E402

SOHOA = [sys.executable, "-m", "pipeline.cli", "process"]


def run(inputs: Path, out: Path, *extra: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    r = subprocess.run([*SOHOA, str(inputs), "-o", str(out), *extra], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return time.perf_counter() - t


def compare(name: str, inputs: Path, n: int, work: Path, address: str, rounds: int) -> tuple[float, float]:
    local, remote = [], []
    for i in range(rounds):
        local.append(run(inputs, work / f"out-{name}-local", "--jobs", "2"))
        remote.append(run(inputs, work / f"out-{name}-cluster", "--scheduler", address))
    lo, cl = statistics.median(local), statistics.median(remote)
    print(f"{n:4d} {name:6} local --jobs 2: {lo:6.1f} s ({60 * n / lo:5.1f} docs/min)   "
          f"cluster, 2 workers: {cl:6.1f} s ({60 * n / cl:5.1f} docs/min)   cluster/local {cl / lo:.2f}   "
          f"[runs: {' '.join(f'{x:.1f}' for x in local)} | {' '.join(f'{x:.1f}' for x in remote)}]")
    return lo, cl


def seconds_per_page(outdir: Path) -> float:
    db = sqlite3.connect(outdir / "sohoa-manifest.sqlite")
    rows = db.execute("SELECT seconds, pages FROM inputs WHERE status='done' AND path LIKE '%.jpg'").fetchall()
    db.close()
    return sum(s for s, _ in rows) / sum(p for _, p in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", nargs="?", default="/tmp/sohoa-cluster-bench")
    ap.add_argument("--scans", type=int, default=8)
    ap.add_argument("--texts", type=int, default=12)
    ap.add_argument("--tiny", default="20,80", help="two numbers of one-line texts")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    docs = work / "docs"
    make_inputs(docs, a.scans, a.texts)
    small, large = (int(x) for x in a.tiny.split(","))
    for n in (small, large):
        (work / f"tiny{n}").mkdir(parents=True)
        for i in range(n):
            (work / f"tiny{n}" / f"t{i:03d}.txt").write_text(f"Kế hoạch số {i} năm 2025\n", encoding="utf-8")

    cluster = DaskCluster(work / "dask", workers=2)
    try:
        cluster.client().close()
        run(work / f"tiny{small}", work / "warm", "--scheduler", cluster.address)   # the workers load the stages
        compare("docs", docs, a.scans + a.texts, work, cluster.address, a.rounds)
        lo1, cl1 = compare("tiny", work / f"tiny{small}", small, work, cluster.address, a.rounds)
        lo2, cl2 = compare("tiny", work / f"tiny{large}", large, work, cluster.address, a.rounds)
        slope_lo, slope_cl = (lo2 - lo1) / (large - small), (cl2 - cl1) / (large - small)
        print(f"each more one-line document: local {1000 * slope_lo:.0f} ms, cluster {1000 * slope_cl:.0f} ms "
              f"(2 workers): the cluster path adds {1000 * (slope_cl - slope_lo):+.0f} ms a document; "
              f"fixed cost of a command: local {lo1 - small * slope_lo:.1f} s, cluster {cl1 - small * slope_cl:.1f} s")
        if a.scans:
            per_page = seconds_per_page(work / "out-docs-cluster")
            print(f"scanned page on one worker thread: {per_page:.2f} s; 1,000,000 pages: "
                  f"{per_page * 1e6 / 3600:,.0f} core-hours, i.e. "
                  + ", ".join(f"{per_page * 1e6 / n / 3600:,.1f} h on {n} workers" for n in (16, 64, 256)))
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
