#!/usr/bin/env python3
"""Time and peak memory of `sohoa process` on inputs at and beyond the limits (README "Bad
input"): what the largest accepted text costs, and how fast oversized inputs are refused.

Usage: benchmarks/bad_input.py [WORKDIR]
Each case is one `sohoa process FILE --jobs 1` in a fresh process (no pool: the file is
processed in the measured process itself); peak memory is that process's maximum resident set
(wait4's ru_maxrss). A small plan is measured too, as the baseline of the runtime and models.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TEXT = ROOT / "samples" / "tam-tien-2024.txt"


def one_line(chars: int) -> str:
    line = " ".join(TEXT.read_text(encoding="utf-8").split())
    return ((line + " ") * (chars // len(line) + 1))[:chars]


def paragraphs(chars: int) -> str:
    words = one_line(chars).split()
    return "\n\n".join(" ".join(words[i:i + 60]) for i in range(0, len(words), 60))[:chars]


def blank_pdf(pages: int) -> bytes:
    from tests.conftest import build_pdf
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                      b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages, *[page] * pages])


def measure(path: Path, out: Path) -> tuple[float, float, str]:
    """(seconds, peak MB, last line of stderr) of one `sohoa process`."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "process", str(path), "-o", str(out),
                             "--jobs", "1", "--force"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    failed = [line for line in err.splitlines() if "[E" in line]
    return seconds, usage.ru_maxrss / 1024, (failed[0] if failed else f"exit {proc.returncode}")


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="sohoa-bad-"))
    work.mkdir(parents=True, exist_ok=True)
    from pipeline.ingest.text import MAX_TEXT_CHARS
    cases = {
        "plan.txt": TEXT.read_bytes(),
        "limit-paragraphs.txt": paragraphs(MAX_TEXT_CHARS).encode(),
        "limit-one-line.txt": one_line(MAX_TEXT_CHARS).encode(),
        "2mb-one-line.txt": one_line(2_000_000).encode(),
        "50mb.txt": one_line(50_000_000).encode(),
        "blank-400-pages.pdf": blank_pdf(400),
    }
    for name, data in cases.items():
        path = work / name
        path.write_bytes(data)
        seconds, peak, said = measure(path, work / "out")
        print(f"{name:24} {len(data) / 1e6:8.2f} MB  {seconds:7.1f} s  peak {peak:7.0f} MB  {said[:110]}",
              flush=True)
    if len(sys.argv) <= 1:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
