#!/usr/bin/env python3
"""Searchable PDF/A: sohoa beside OCRmyPDF on the same scanned PDF, and what writing the PDF and
ALTO costs against the OCR of the same pages.

Usage: benchmarks/pdfa.py [--pages N] [--jobs 2] [--ocrmypdf PATH] [PDF_OR_IMAGES...] [-w WORKDIR]

With no input it builds a scanned PDF (no text layer) from the real scans in
../shared/samples/real/scans (the Lâm Đồng 100 dpi JPEG pages, or the 200 dpi bitonal 464/TTg
pages), each page image put in as it is (JPEG bytes, PNG data). Then it times
  sohoa process IN.pdf --formats pdf,alto --jobs N          (OCR, restoration, parsing, PDF/A, ALTO)
  ocrmypdf -l vie --output-type pdfa --jobs N IN.pdf OUT.pdf (when OCRmyPDF is installed:
                                                             pip install ocrmypdf; apt-get install ghostscript)
and prints, for each: seconds, output size against OCRmyPDF's budget (1.35 x (input + 4 kB +
3 kB per page)), whether qpdf --check passes; for sohoa also the OCR time and the time spent
writing the PDF and the ALTO (from the manifest's timings), and the syllable accuracy of
pdftotext's text of the PDF against the .txt (benchmarks/vnscore.py).
"""
from __future__ import annotations

import argparse
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "samples" / "real" / "scans"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def scanned_pdf(images: list[Path], dest: Path) -> None:
    """A PDF of page images, each as it is stored (what a scanner writes), no text layer."""
    import pikepdf
    from PIL import Image

    from pipeline.export.pdf_images import image_file_pages

    pdf = pikepdf.new()
    for path in images:
        img = Image.open(path)
        dpi = img.info.get("dpi", (200, 200))[0]
        dpi = dpi if dpi >= 100 else 200
        (page_image,) = image_file_pages(path.read_bytes())[:1]
        w, h = page_image.width * 72 / dpi, page_image.height * 72 / dpi
        page = pdf.add_blank_page(page_size=(w, h))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=page_image.xobject(pdf)))
        page.Contents = pdf.make_stream(f"q {w:.3f} 0 0 {h:.3f} 0 0 cm /Im0 Do Q".encode())
    pdf.save(dest)


def qpdf_ok(path: Path) -> bool:
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def budget(input_size: int, pages: int) -> float:
    return 1.35 * (input_size + 4000 + 3000 * pages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", type=Path)
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--set", choices=("lamdong", "ttg"), default="lamdong")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ocrmypdf", default=shutil.which("ocrmypdf"))
    ap.add_argument("-w", "--workdir", type=Path)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sohoa-pdfa-"))
    work.mkdir(parents=True, exist_ok=True)
    if len(args.inputs) == 1 and args.inputs[0].suffix.lower() == ".pdf":
        src = args.inputs[0]
    else:
        images = args.inputs or (sorted((REAL / "lamdong-bc-da06-2026-03").glob("p*.jpg"))[1:args.pages + 1]
                                 if args.set == "lamdong" else sorted(REAL.glob("ttg-2026-cv464-p*.png")))
        if not images:
            print(f"no inputs (and no real scans in {REAL})", file=sys.stderr)
            return 2
        src = work / "scanned.pdf"
        scanned_pdf(images, src)
    import pikepdf
    with pikepdf.open(src) as doc:
        pages = len(doc.pages)
    size = src.stat().st_size
    print(f"input {src.name}: {pages} pages, {size / 1e3:.0f} kB; budget {budget(size, pages) / 1e3:.0f} kB; "
          f"--jobs {args.jobs}")

    out = work / "sohoa"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "process", str(src), "-o", str(out),
                    "--formats", "txt,pdf,alto", "--jobs", str(args.jobs)], check=True, capture_output=True)
    seconds = time.perf_counter() - t
    pdf = out / f"{src.stem}.pdf"
    with sqlite3.connect(out / "sohoa-manifest.sqlite") as db:
        timings = json.loads(db.execute("SELECT timings FROM inputs").fetchone()[0])
    from vnscore import score
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    acc = score((out / f"{src.stem}.txt").read_text(encoding="utf-8"), text)["acc"]
    write = timings.get("write_pdf", 0) + timings.get("write_alto", 0)
    print(f"sohoa    {seconds:6.1f} s  {pdf.stat().st_size / 1e3:7.0f} kB  qpdf {'ok' if qpdf_ok(pdf) else 'FAIL'}  "
          f"OCR {timings['ocr']:.1f} s (in parallel), PDF {timings.get('write_pdf', 0):.2f} s + ALTO "
          f"{timings.get('write_alto', 0):.2f} s = {100 * write / timings['ocr']:.1f} % of it; "
          f"pdftotext vs .txt {100 * acc:.2f} %")

    if args.ocrmypdf:
        dest = work / "ocrmypdf.pdf"
        t = time.perf_counter()
        r = subprocess.run([args.ocrmypdf, "-l", "vie", "--output-type", "pdfa", "--jobs", str(args.jobs),
                            str(src), str(dest)], capture_output=True, text=True)
        seconds = time.perf_counter() - t
        if r.returncode:
            print(f"ocrmypdf failed ({r.returncode}): {r.stderr.strip()[-300:]}")
        else:
            print(f"ocrmypdf {seconds:6.1f} s  {dest.stat().st_size / 1e3:7.0f} kB  qpdf "
                  f"{'ok' if qpdf_ok(dest) else 'FAIL'}")
    else:
        print("ocrmypdf: not installed (pip install ocrmypdf; apt-get install ghostscript)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
