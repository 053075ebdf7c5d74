#!/usr/bin/env python3
"""Restoration accuracy and speed.

    python benchmarks/restore.py [--pages N] [--no-speed]

Accuracy (syllable accuracy by vnscore.py, tone placement ignored):
- sample: the seed's real legacy OCR (../shared/samples/tam-tien-2024) — for orientation only;
- held-out pages: ../shared/data/ocr-pairs pages 0250-0299, whose source documents are kept out
  of the language model and whose pages are kept out of the channel tables (see
  dictionaries/build/pairs.py): their Tesseract `eng` (legacy) and `vie` readings restored, and
  their source text restored as clean text (should come out unchanged);
- generated held-out pages (see dictionaries/build/pairs.is_heldout), when present; of the
  multi-engine pages (make_ocr_pairs.py --variant 3: 100-300 dpi, JPEG/bitonal, text from
  held-out documents) one row per engine: each engine the legacy channel learns from, and
  `ocrad`, which no table was ever learned from (an engine restoration never saw);
- genre plans: the commune plans written for the parser tests (tests/data/plans, not in any
  training data), rendered as office scans and read with Tesseract `eng` and `vie`.
Speed: syllables per second restoring the held-out legacy pages repeated to a long input (one
process, one core), and the cost of restoring one page's text next to Tesseract reading it.
"""
from __future__ import annotations

import argparse
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
sys.path.insert(0, str(ROOT / "dictionaries" / "build"))

import vnscore  # noqa: E402

SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "tam-tien-2024"


def restore(text: str) -> str:
    from pipeline.restore import restore_string
    return restore_string(text).text


def tsv_raw_text(path: Path):
    """Tesseract's word table as the RawText the ocr stage makes (lines, word confidences)."""
    import csv
    from types import SimpleNamespace
    from pipeline.model import RawText
    from pipeline.ocr import words_to_lines
    words = []
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 12 or row[0] == "level" or not row[11].strip():
                continue
            words.append(SimpleNamespace(text=row[11].strip(), conf=float(row[10]), block=int(row[2]),
                                         par=int(row[3]), line=int(row[4])))
    return RawText(lines=words_to_lines(words, 1), ocr_engine="tesseract", ocr_lang="vie")


def score_tsv_pages(pages, limit: int | None):
    from pipeline.restore import restore_text
    gold_all, hyp_all, raw_all = [], [], []
    for d, pid in pages[:limit]:
        tsv = d / f"{pid}.vie.tsv"
        if not tsv.exists():
            continue
        raw = tsv_raw_text(tsv)
        gold_all.append((d / f"{pid}.src.txt").read_text(encoding="utf-8"))
        raw_all.append(raw.text)
        hyp_all.append(restore_text(raw).text)
    g = "\n".join(gold_all)
    return vnscore.score(g, "\n".join(raw_all)), vnscore.score(g, "\n".join(hyp_all))


def score_pages(pages, kind: str, limit: int | None):
    gold_all, hyp_all, raw_all = [], [], []
    for d, pid in pages[:limit]:
        gold = (d / f"{pid}.src.txt").read_text(encoding="utf-8")
        src = gold if kind == "clean" else (d / f"{pid}.{kind}.txt").read_text(encoding="utf-8")
        gold_all.append(gold)
        raw_all.append(src)
        hyp_all.append(restore(src))
    g = "\n".join(gold_all)
    raw = vnscore.score(g, "\n".join(raw_all))
    hyp = vnscore.score(g, "\n".join(hyp_all))
    return raw, hyp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=None, help="at most this many held-out pages per set")
    ap.add_argument("--generated", type=Path, default=None,
                    help="folder of make_ocr_pairs.py pages (held-out ones are scored too; "
                         "default $SOHOA_CACHE/pairs)")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--confusions", action="store_true", help="print the commonest remaining errors")
    a = ap.parse_args()
    import pairs
    a.generated = a.generated or pairs.default_generated()

    t = time.perf_counter()
    restore("khởi động")
    print(f"engine load: {time.perf_counter() - t:.2f} s")

    rows = []
    if SAMPLE.exists():
        gold = (SAMPLE / "gold.txt").read_text(encoding="utf-8")
        ocr = (SAMPLE / "ocr.txt").read_text(encoding="utf-8")
        r0, r1 = vnscore.score(gold, ocr), vnscore.score(gold, restore(ocr))
        rows.append(("sample tam-tien-2024 (legacy)", r0, r1))
    shared = pairs.page_ids([pairs.SHARED_PAIRS], heldout=True)
    for kind, label in (("eng", "legacy"), ("vie", "vie"), ("clean", "clean")):
        r0, r1 = score_pages(shared, kind, a.pages)
        rows.append((f"held-out shared pages ({label})", r0, r1))
    if a.generated.exists():
        gen = pairs.page_ids([a.generated], heldout=True)
        if gen:
            for kind, label in (("eng", "legacy"), ("vie", "vie")):
                r0, r1 = score_pages(gen, kind, a.pages)
                rows.append((f"held-out generated pages ({label})", r0, r1))
            r0, r1 = score_tsv_pages(gen, a.pages)
            rows.append(("held-out generated pages (vie + word conf.)", r0, r1))
        from make_ocr_pairs import ENGINES, UNSEEN_ENGINES
        for engine in ENGINES:
            multi = [(d, pid) for d, pid in pairs.page_ids([a.generated], heldout=True, engines=(engine,))
                     if pid.startswith("m")]
            if multi:
                r0, r1 = score_pages(multi, engine, a.pages)
                unseen = ", unseen" if engine in UNSEEN_ENGINES else ""
                rows.append((f"held-out multi-engine pages ({engine}{unseen})", r0, r1))
    plans = sorted(p for p in (ROOT / "tests" / "data" / "plans").glob("*.txt")
                   if p.name.count(".") == 1)
    for kind, label in (("eng", "legacy"), ("vie", "vie")):
        gold_all = [p.read_text(encoding="utf-8") for p in plans if p.with_suffix(f".{kind}.txt").exists()]
        raw_all = [p.with_suffix(f".{kind}.txt").read_text(encoding="utf-8") for p in plans
                   if p.with_suffix(f".{kind}.txt").exists()]
        if gold_all:
            g = "\n".join(gold_all)
            rows.append((f"genre plans ({label})", vnscore.score(g, "\n".join(raw_all)),
                         vnscore.score(g, "\n".join(restore(r) for r in raw_all))))
    print(f"\n{'set':42} {'syllables':>9} {'raw':>7} {'restored':>9}")
    for label, r0, r1 in rows:
        print(f"{label:42} {r1['gold_tokens']:9d} {r0['acc']:7.2%} {r1['acc']:9.2%}")
        if a.confusions:
            for (x, y), k in vnscore.confusions(r1, 25):
                print(f"      {k:4d}  {x} -> {y}")

    if a.no_speed:
        return
    from pipeline.model import RawText
    from pipeline.restore import restore_text
    from pipeline.restore.engine import get_engine
    from pipeline.restore.vietnamese import is_valid_syllable
    texts = [(d / f"{pid}.eng.txt").read_text(encoding="utf-8") for d, pid in shared]
    long_text = "\n\n".join(texts * 3)
    n_syll = len(vnscore.tokens(long_text))
    def cold():
        """Forget every word seen so far: a new process with the models loaded."""
        engine = get_engine()
        engine._slot_cache.clear()
        for channel in engine.channels.values():
            channel._cache.clear()
        is_valid_syllable.cache_clear()
    cold()
    t = time.perf_counter()
    restore_text(RawText.from_string(long_text))
    dt = time.perf_counter() - t
    print(f"\nspeed: {n_syll:,} syllables of legacy OCR in {dt:.2f} s = {n_syll / dt:,.0f} syllables/s "
          f"(cold word cache, one process)")
    # pages next to Tesseract reading them: each page's text restored with a cold word cache
    t_ocr = t_restore = 0.0
    n_pages = 5
    with tempfile.TemporaryDirectory() as tmp:
        for k, (d, pid) in enumerate(shared[:n_pages]):
            subprocess.run([sys.executable, str(HERE / "synth_scan.py"), str(d / f"{pid}.src.txt"), f"{tmp}/p{k}",
                            "--profile", "office"], check=True, capture_output=True)
            img = sorted(Path(tmp).glob(f"p{k}-p*.png"))[0]
            env = dict(os.environ, OMP_THREAD_LIMIT="1")
            t = time.perf_counter()
            out = subprocess.run(["tesseract", str(img), "stdout", "-l", "vie"], check=True,
                                 capture_output=True, text=True, env=env).stdout
            t_ocr += time.perf_counter() - t
            cold()
            t = time.perf_counter()
            restore_text(RawText.from_string(out))
            t_restore += time.perf_counter() - t
    print(f"per page ({n_pages} office pages): Tesseract vie {t_ocr / n_pages:.2f} s, restoring its text "
          f"{t_restore / n_pages * 1000:.0f} ms ({t_restore / t_ocr:.1%} of Tesseract), cold word cache")


if __name__ == "__main__":
    main()
