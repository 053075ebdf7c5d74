#!/usr/bin/env python3
"""Two readings of one scan: Tesseract `vie`, and the old text layer a scanner's engine left.

Held-out texts (ocr-pairs 0250-0299, kept out of the restoration models) are rendered as poor
and archive scans (benchmarks/scan.py's profiles), and each page becomes a scanner PDF the way
scanner software makes one: Tesseract's PDF renderer lays a reading by a model without
Vietnamese (`fra` or `eng`, alternately) under the page image. `sohoa` reads such a PDF with
--text-layer auto: the scan again with Tesseract `vie`, the layer kept as a second reading of
each word (pipeline.ocr.fusion). Each document is read once; restoration is then run with the
layer's weight (pipeline.restore.engine.SECOND_WEIGHT) at several values, 0 being Tesseract
alone. Syllable accuracy by vnscore.py; also the layer alone, restored (--text-layer use).

Usage: python benchmarks/fusion.py [--docs 4] [--weights 0,0.3,0.6,1.0] [--workdir DIR]
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
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import scan  # noqa: E402
import vnscore  # noqa: E402

PROFILES = ("poor", "archive")
LAYER_LANGS = ("fra", "eng")


def make_pdfs(workdir: Path, docs: int, first: int, seed: int) -> list[tuple[str, Path, str]]:
    """(profile, pdf, gold text) for every rendered document (one PDF of all its pages)."""
    import cv2

    out = []
    texts = scan.source_texts(first, docs * len(PROFILES))
    for p_i, profile in enumerate(PROFILES):
        for d in range(docs):
            name, text = texts[p_i * docs + d]
            rnd = random.Random(f"{seed}-{profile}-{name}")
            pngs = []
            for k, (img, _done) in enumerate(scan.render_doc(text, profile, scan.FONTS[d % 2], rnd), 1):
                png = workdir / f"{profile}-{name}-p{k}.png"
                cv2.imwrite(str(png), img)
                pngs.append(str(png))
            listing = workdir / f"{profile}-{name}.list"
            listing.write_text("\n".join(pngs) + "\n")
            lang = LAYER_LANGS[d % 2]
            base = workdir / f"{profile}-{name}-{lang}"
            subprocess.run(["tesseract", str(listing), str(base), "-l", lang, "pdf"], check=True,
                           capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            out.append((profile, base.with_suffix(".pdf"), text))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=4, help="documents per profile")
    ap.add_argument("--first", type=int, default=250, help="first ocr-pairs id")
    ap.add_argument("--weights", default="0,0.3,0.6,1.0")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workdir", type=Path, default=None)
    a = ap.parse_args()
    from pipeline.ingest import load_document
    from pipeline.ocr import recognise
    from pipeline.restore import engine as engine_module
    from pipeline.restore import restore_text

    weights = [float(w) for w in a.weights.split(",")]
    with tempfile.TemporaryDirectory(prefix="sohoa-fusion-") as t:
        work = a.workdir or Path(t)
        work.mkdir(parents=True, exist_ok=True)
        pdfs = make_pdfs(work, a.docs, a.first, a.seed)
        sums: dict[str, list[float]] = {}
        for profile, pdf, gold in pdfs:
            raw = recognise(load_document(pdf, text_layer="auto"))
            paired = sum(1 for l in raw.lines for s in (l.second or []) if s)
            words = sum(len(l.text.split()) for l in raw.lines)
            layer = restore_text(recognise(load_document(pdf, text_layer="use"))).text
            row = {"layer restored": vnscore.score(gold, layer)["acc"]}
            for w in weights:
                engine_module.SECOND_WEIGHT = w
                engine_module.get_engine()._fused_cache.clear()
                row[f"w={w:g}"] = vnscore.score(gold, restore_text(raw).text)["acc"]
            print(f"{pdf.name:32s} paired {paired}/{words}  " + "  ".join(f"{k} {v:.4f}" for k, v in row.items()),
                  flush=True)
            for k, v in row.items():
                sums.setdefault(f"{profile} {k}", []).append(v)
                sums.setdefault(f"all {k}", []).append(v)
        print()
        for k, v in sums.items():
            print(f"{k:28s} {sum(v) / len(v):.4f}  ({len(v)} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
