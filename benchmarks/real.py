#!/usr/bin/env python3
"""sohoa on real archive material: ../shared/samples/real (read its SOURCE.md), when present.

The documents there are real scans, a scanner PDF whose text layer an old OmniPage engine wrote
without Vietnamese, and their transcriptions. They stay outside the repository; this script
reads them where they are (`--real DIR`, default ../shared/samples/real beside the clone) and
prints one row per measurement:

  layer    the PDF's old text layer (page 1) restored as text, `sohoa restore`
  pdf      page 1 of that PDF through `sohoa process` with default options
  scan     each real scan with a transcription, through `sohoa process` (the .txt)
  eng      the same scans read by plain `tesseract -l eng` (an old-engine reading), restored
  header   the header fields of each document with a .meta.json (meta_score.py), the document
           made of the pages its meta names

Text scores are syllable accuracy (vnscore.py) of the body (body.py: from "Kính gửi"/"Căn cứ"
on), so that the reading order of the two-column header does not weigh; header fields are
scored apart. Usage: python benchmarks/real.py [--real DIR] [--only layer,pdf,...]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from vnscore import score  # noqa: E402

# (scan files, transcription) for the scans with a transcription of the same page
SCANS = [
    (["scans/dn-sgddt-2020-cv1906-p1.jpg"], "texts/dn-sgddt-2020-cv1906-p1.gt.txt"),
    (["scans/dn-sgddt-2020-cv1906-p2.jpg"], "texts/dn-sgddt-2020-cv1906-p2.gt.txt"),
    (["scans/lamdong-bc-da06-2026-03/p01.jpg"], "texts/lamdong-bc-da06-2026-03-p01.gt.txt"),
    (["scans/lamdong-bc-da06-2026-03/p02.jpg"], "texts/lamdong-bc-da06-2026-03-p02.gt.txt"),
    (["scans/tinhgia-2020-cv1113-photo.jpg"], "texts/tinhgia-2020-cv1113-photo.gt-hand.txt"),
]
PDF = "scans/dn-ubnd-2023-cv5710.pdf"
PDF_GOLD = "texts/dn-ubnd-2023-cv5710-p1.gt-hand.txt"
LAYER = "texts/dn-ubnd-2023-cv5710.legacy-ocr.txt"


def body(text: str) -> str:
    """body.py's cut, in-process."""
    import unicodedata

    def bare(s):
        s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
        return "".join(c for c in s if not unicodedata.combining(c)).lower()
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if bare(l).lstrip(" -").startswith(("kinh g", "kinh q", "can cu"))), 0)
    return "\n".join(lines[start:])


def acc(gold: str, hyp: str) -> float:
    return score(body(gold), body(hyp))["acc"]


def process(path: Path, outdir: Path, **options):
    from pipeline.api import ProcessOptions, process_document
    opts = ProcessOptions(outdir=outdir, formats=("json", "txt"), **options)
    return process_document(path, opts)


def row(kind: str, name: str, value: str, seconds: float | None = None) -> None:
    extra = f"\t{seconds:.1f} s" if seconds is not None else ""
    print(f"{kind}\t{name}\t{value}{extra}", flush=True)


def document_of(real: Path, pages: list[Path], tmp: Path, stem: str) -> Path:
    """One input file made of the given page images (a multi-page TIFF keeps every pixel)."""
    if len(pages) == 1:
        dest = tmp / f"{stem}{pages[0].suffix}"
        dest.write_bytes(pages[0].read_bytes())
        return dest
    from PIL import Image
    images = [Image.open(p) for p in pages]
    dest = tmp / f"{stem}.tif"
    images[0].save(dest, save_all=True, append_images=images[1:], compression="tiff_deflate")
    return dest


def first_page_pdf(src: Path, dest: Path) -> Path:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    out.import_pages(doc, [0])
    out.save(str(dest))
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "samples" / "real")
    ap.add_argument("--only", default="layer,pdf,scan,eng,header")
    args = ap.parse_args()
    real: Path = args.real
    if not (real / "SOURCE.md").exists():
        print(f"no real samples at {real}: nothing to measure (give --real DIR)", file=sys.stderr)
        return 0
    only = set(args.only.split(","))
    from pipeline.restore import restore_string

    with tempfile.TemporaryDirectory(prefix="sohoa-real-") as t:
        tmp = Path(t)
        if "layer" in only:
            layer = (real / LAYER).read_text(encoding="utf-8").split("\f")[0]
            t0 = time.perf_counter()
            restored = restore_string(layer).text
            gold = (real / PDF_GOLD).read_text(encoding="utf-8")
            row("layer", "cv5710 p1 OmniPage layer", f"as read {acc(gold, layer):.4f}  restored {acc(gold, restored):.4f}",
                time.perf_counter() - t0)
        if "pdf" in only:
            one = first_page_pdf(real / PDF, tmp / "cv5710-p1.pdf")
            t0 = time.perf_counter()
            result = process(one, tmp / "pdf")
            gold = (real / PDF_GOLD).read_text(encoding="utf-8")
            row("pdf", "cv5710 p1 through process", f"{acc(gold, result.restored.text):.4f}", time.perf_counter() - t0)
        if "scan" in only or "eng" in only:
            from pipeline.ingest import load_document
            from pipeline.ocr import recognise
            for pages, gold_name in SCANS:
                gold = (real / gold_name).read_text(encoding="utf-8")
                name = Path(pages[0]).stem
                if "scan" in only:
                    src = document_of(real, [real / p for p in pages], tmp, name)
                    t0 = time.perf_counter()
                    result = process(src, tmp / "scan")
                    row("scan", name, f"{acc(gold, result.restored.text):.4f}", time.perf_counter() - t0)
                if "eng" in only:
                    t0 = time.perf_counter()
                    raw = recognise(load_document(real / pages[0]), lang="eng")
                    restored = restore_string(raw.text).text
                    row("eng", name, f"as read {acc(gold, raw.text):.4f}  restored {acc(gold, restored):.4f}",
                        time.perf_counter() - t0)
        if "header" in only:
            for meta in sorted((real / "meta").glob("*.meta.json")):
                gold = json.loads(meta.read_text(encoding="utf-8"))
                stem = meta.name[: -len(".meta.json")]
                pages = [p for name in gold.get("pages_seen") or []
                         for p in real.glob(f"scans/**/{name}")
                         if p.parent.name == stem or p.name.startswith(stem) or stem.startswith(p.parent.name)]
                if stem == "dn-ubnd-2023-cv5710":
                    src = first_page_pdf(real / PDF, tmp / f"{stem}.pdf")
                elif pages:
                    src = document_of(real, pages, tmp, stem)
                else:
                    row("header", stem, "no pages found")
                    continue
                t0 = time.perf_counter()
                process(src, tmp / "header")
                out = subprocess.run([sys.executable, str(HERE / "meta_score.py"), str(meta),
                                      str(tmp / "header" / f"{src.stem}.json")], capture_output=True, text=True)
                row("header", stem, out.stdout.strip()[:300], time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    raise SystemExit(main())
