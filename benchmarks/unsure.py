#!/usr/bin/env python3
"""How well "unsure" (pipeline/restore/unsure.py) points a reviewer at the real errors.

    nice .venv/bin/python benchmarks/unsure.py [--cache DIR] [--data DIR]

For every word of the restored text (a whitespace-separated word with a letter or digit), whether
it is really wrong: the restored text is aligned with the text that was printed, syllable by
syllable (benchmarks/vnscore.py: lower case, tone placement ignored), and a word is wrong when one
of its syllables was replaced or inserted (a syllable the OCR lost has no word to flag).

Sets, all held out of the restoration models:
- legacy: ../shared/data/ocr-pairs pages 0250-0299 read by Tesseract `eng` (text, no confidences);
- vie text: the same pages read by Tesseract `vie` (text, no word confidences);
- vie scans: the same pages' text rendered as scans (synth_scan.py office and poor, scan_degrade.py
  archive, in turn) and read by sohoa's OCR stage, with Tesseract's word confidences (cached in
  --cache, default $SOHOA_CACHE/unsure or a temporary folder);
- genre plans (legacy, vie): tests/data/plans read by Tesseract `eng` and `vie`; never used to fit
  the model, so the shipped model's figures there are out of sample.

Printed: the flagged share and the share of errors it holds for the old rule (posterior < 0.9 or
Tesseract < 50), then for the model cross-fitted (pages with an even number fit the model that
scores pages with an odd number, and back: every figure out of sample), and for the shipped model
(dictionaries/unsure.json, fitted on all held-out ocr-pairs pages: in sample there, out of
sample on the genre plans). Then the curve: errors held by the most doubtful X % of words.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import vnscore  # noqa: E402

PLANS = ROOT / "tests" / "data" / "plans"
HELDOUT = range(250, 300)
SCAN_PROFILES = ("office", "poor", "archive")
TARGET_RECALL = 0.90
TARGET_FLAGGED = 0.08


def shared_data(given: Path | None) -> Path:
    if given:
        return given
    for base in (ROOT, *ROOT.parents):
        if (base / "shared" / "data" / "ocr-pairs").is_dir():
            return base / "shared" / "data"
        if (base.parent / "shared" / "data" / "ocr-pairs").is_dir():
            return base.parent / "shared" / "data"
    raise SystemExit("../shared/data/ocr-pairs not found: give --data")


# ----------------------------------------------------------------------------- labelled words

def labelled(restored, gold: str) -> tuple[list, np.ndarray]:
    """(words with a letter or digit, whether each is wrong against `gold`)."""
    from rapidfuzz.distance import Levenshtein
    words = [w for w in restored.words() if vnscore.tokens(w.text)]
    hyp, owner = [], []
    for i, w in enumerate(words):
        for t in vnscore.tokens(w.text):
            hyp.append(t)
            owner.append(i)
    wrong = np.zeros(len(words), dtype=bool)
    for op in Levenshtein.editops(vnscore.tokens(gold), hyp):
        if op.tag in ("replace", "insert"):
            wrong[owner[op.dest_pos]] = True
    return words, wrong


def raw_to_json(raw) -> dict:
    return {"engine": raw.ocr_engine, "lang": raw.ocr_lang, "pages": [p.to_dict() for p in raw.pages],
            "lines": [{"text": l.text, "page": l.page, "confidences": l.confidences, "block": l.block,
                       "boxes": [b.as_list() if b else None for b in l.boxes] if l.boxes else None}
                      for l in raw.lines]}


def raw_from_json(d: dict):
    from pipeline.model import Box, PageInfo, RawLine, RawText
    return RawText(lines=[RawLine(l["text"], page=l["page"], confidences=l["confidences"], block=l["block"],
                                  boxes=[Box.of(b) for b in l["boxes"]] if l["boxes"] else None)
                          for l in d["lines"]],
                   ocr_engine=d["engine"], ocr_lang=d["lang"], pages=[PageInfo(**p) for p in d["pages"]])


def scanned(text: str, name: str, profile: str, cache: Path):
    """The RawText sohoa's OCR makes of `text` rendered as a scan (cached)."""
    import cv2
    import scan
    from pipeline.ingest import load_document
    from pipeline.ocr import recognise
    hit = cache / f"{name}.{profile}.raw.json"
    if hit.exists():
        return raw_from_json(json.loads(hit.read_text(encoding="utf-8")))
    rnd = random.Random(f"unsure-{profile}-{name}")
    pages = scan.render_doc(text, profile, scan.FONTS[sum(map(ord, name)) % 2], rnd)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for k, (img, _) in enumerate(pages, 1):
            f = Path(tmp) / f"p{k}.png"
            cv2.imwrite(str(f), img)
            files.append(f)
        if len(files) == 1:
            raw = recognise(load_document(files[0]))
        else:                                      # several pages: one multi-page TIFF
            from PIL import Image
            tif = Path(tmp) / "doc.tif"
            imgs = [Image.open(f) for f in files]
            imgs[0].save(tif, save_all=True, append_images=imgs[1:], compression="tiff_deflate")
            raw = recognise(load_document(tif))
    cache.mkdir(parents=True, exist_ok=True)
    hit.write_text(json.dumps(raw_to_json(raw), ensure_ascii=False), encoding="utf-8")
    return raw


def collect(data: Path, cache: Path, *, scans: bool = True, plans: bool = True) -> list[dict]:
    """Every labelled page: {set, page, condition, words, wrong}."""
    from pipeline.model import RawText
    from pipeline.restore import restore_text
    pairs = data / "ocr-pairs"
    out = []

    def add(set_name, page, raw, gold):
        restored = restore_text(raw)
        words, wrong = labelled(restored, gold)
        out.append({"set": set_name, "page": page, "condition": restored.condition, "words": words, "wrong": wrong})

    for n in HELDOUT:
        pid = f"{n:04d}"
        gold = (pairs / f"{pid}.src.txt").read_text(encoding="utf-8")
        add("legacy", n, RawText.from_string((pairs / f"{pid}.eng.txt").read_text(encoding="utf-8")), gold)
        add("vie text", n, RawText.from_string((pairs / f"{pid}.vie.txt").read_text(encoding="utf-8")), gold)
        if scans:
            profile = SCAN_PROFILES[n % len(SCAN_PROFILES)]
            add("vie scans", n, scanned(gold, pid, profile, cache), gold)
        print(f"  page {pid}", end="\r", file=sys.stderr, flush=True)
    if plans:
        for k, gold_file in enumerate(sorted(p for p in PLANS.glob("*.txt") if p.name.count(".") == 1)):
            gold = gold_file.read_text(encoding="utf-8")
            for kind, set_name in (("eng", "plans legacy"), ("vie", "plans vie")):
                f = gold_file.with_suffix(f".{kind}.txt")
                if f.exists():
                    add(set_name, 1000 + k, RawText.from_string(f.read_text(encoding="utf-8")), gold)
    print(file=sys.stderr)
    return out


# ----------------------------------------------------------------------------- measuring

def old_rule(words) -> np.ndarray:
    """The rule before the model: posterior < 0.9 or Tesseract < 50, on words with letters."""
    return np.array([any(c.isalpha() for c in w.text) and (w.confidence < 0.9 or (
        w.ocr_confidence is not None and 0 <= w.ocr_confidence < 50)) for w in words])


def summary(flags: np.ndarray, wrong: np.ndarray) -> str:
    n, e = len(wrong), int(wrong.sum())
    held = int((flags & wrong).sum())
    return f"{flags.mean():6.2%} of {n:6,} words flagged, holding {held / max(e, 1):6.2%} of {e:4} errors"


def curve(prob: np.ndarray, wrong: np.ndarray, shares=(0.01, 0.02, 0.04, 0.06, 0.08, 0.10, 0.15, 0.20)) -> str:
    order = np.argsort(-prob, kind="stable")
    held = np.cumsum(wrong[order]) / max(1, wrong.sum())
    return "  ".join(f"{s:.0%}: {held[max(0, int(s * len(prob)) - 1)]:.0%}" for s in shares)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="the shared data folder (holding ocr-pairs)")
    ap.add_argument("--cache", type=Path, default=None, help="where the scans' OCR is kept between runs")
    ap.add_argument("--no-scans", action="store_true", help="leave out the rendered scans (no Tesseract run)")
    a = ap.parse_args()
    from pipeline.restore.unsure import Features, get_model, group_of, logistic_fit, threshold_for

    cache = a.cache or Path(os.environ.get("SOHOA_CACHE") or tempfile.gettempdir()) / "unsure"
    pages = collect(shared_data(a.data), cache, scans=not a.no_scans)
    model = get_model()
    feats: Features = model.features
    for p in pages:
        p["X"] = feats.matrix(p["words"])
        p["group"] = group_of(p["condition"], p["words"])
        p["shipped"] = model.probabilities(p["words"], p["condition"])

    # cross-fitting on the ocr-pairs pages: even pages score odd ones and back
    fit_sets = {"legacy", "vie text", "vie scans"}
    for g in ("legacy", "scan", "text"):
        mine = [p for p in pages if p["group"] == g and p["set"] in fit_sets]
        for parity in (0, 1):
            train = [p for p in mine if p["page"] % 2 != parity]
            if not train:
                continue
            X = np.vstack([p["X"] for p in train])
            y = np.concatenate([p["wrong"] for p in train]).astype(float)
            w = logistic_fit(X, y)
            t = threshold_for(1 / (1 + np.exp(-(X @ w))), y, model_recall_target())
            for p in mine:
                if p["page"] % 2 == parity:
                    p["oof"] = 1 / (1 + np.exp(-(p["X"] @ w)))
                    p["oof_flags"] = p["oof"] >= t

    def joined(rows, key):
        return np.concatenate([r[key] for r in rows])

    sets = ["legacy", "vie text", "vie scans", "plans legacy", "plans vie"]
    print(f"\nwords flagged and the real errors they hold (target: >= {TARGET_RECALL:.0%} of the errors, "
          f"<= {TARGET_FLAGGED:.0%} of the words)\n")
    for s in sets:
        rows = [p for p in pages if p["set"] == s]
        if not rows:
            continue
        wrong = joined(rows, "wrong")
        words = [w for r in rows for w in r["words"]]
        print(f"{s} ({len(rows)} pages)")
        print(f"  old rule (p < 0.9 or OCR < 50)  {summary(old_rule(words), wrong)}")
        if all("oof" in r for r in rows):
            print(f"  model, cross-fitted             {summary(joined(rows, 'oof_flags'), wrong)}")
        shipped_flags = np.concatenate([model.flags(r["words"], r["condition"]) for r in rows])
        print(f"  model, shipped                  {summary(shipped_flags, wrong)}")
        prob = joined(rows, "oof") if all("oof" in r for r in rows) else joined(rows, "shipped")
        print(f"  curve (errors in the most doubtful x % of words): {curve(prob, wrong)}")
    rows = [p for p in pages if p["set"] in fit_sets]
    if rows and all("oof" in r for r in rows):
        print(f"all held-out ocr-pairs pages, cross-fitted: {summary(joined(rows, 'oof_flags'), joined(rows, 'wrong'))}")
    print("\nthresholds (shipped):", ", ".join(f"{g} {t:.3f}" for g, t in model.thresholds.items()))


def model_recall_target() -> float:
    """The recall the build script aims thresholds at (a margin over the 90 % target)."""
    import json as _json
    from pipeline.resources import dictionaries_dir
    return float(_json.loads((dictionaries_dir() / "unsure.json").read_text(encoding="utf-8"))["recall_target"])


if __name__ == "__main__":
    main()
