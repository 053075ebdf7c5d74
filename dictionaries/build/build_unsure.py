#!/usr/bin/env python3
"""Build dictionaries/unsure.json: the weights and thresholds of the review's "unsure" model
(pipeline/restore/unsure.py).

    nice .venv/bin/python dictionaries/build/build_unsure.py [--data DIR] [--cache DIR] [--recall 0.91]

Fitted on the held-out ocr-pairs pages 0250-0299 (their legacy `eng` and `vie` readings, and
their text rendered as scans and read by sohoa's OCR, with word confidences: benchmarks/unsure.py
collects them), one L2-regularised logistic regression per group of conditions (legacy OCR;
Vietnamese OCR and clean text); the label is whether the restored word is really wrong. Each
group's threshold is set so that the flagged words hold --recall of the errors of the fitting
pages (a margin over the 90 % that benchmarks/unsure.py checks out of sample). Rebuild after a
change of the restoration models: the posteriors it reads change with them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

OUT = HERE.parent / "unsure.json"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--recall", type=float, default=0.91)
    ap.add_argument("--l2", type=float, default=1.0)
    a = ap.parse_args()
    import unsure as bench
    from pipeline.resources import dictionaries_dir
    from pipeline.restore.engine import get_engine
    from pipeline.restore.unsure import FEATURES, Features, group_of, load_code_parts, logistic_fit, threshold_for

    cache = a.cache or Path(os.environ.get("SOHOA_CACHE") or tempfile.gettempdir()) / "unsure"
    pages = bench.collect(bench.shared_data(a.data), cache, plans=False)
    feats = Features(get_engine().lm, load_code_parts(dictionaries_dir()))
    weights, thresholds, counts = {}, {}, {}
    for g in ("legacy", "scan", "text"):
        mine = [p for p in pages if group_of(p["condition"], p["words"]) == g]
        X = np.vstack([feats.matrix(p["words"]) for p in mine])
        y = np.concatenate([p["wrong"] for p in mine]).astype(float)
        w = logistic_fit(X, y, l2=a.l2)
        prob = 1 / (1 + np.exp(-(X @ w)))
        t = threshold_for(prob, y, a.recall)
        weights[g] = [round(float(v), 8) for v in w]
        thresholds[g] = float(f"{t:.8g}")
        counts[g] = {"words": int(len(y)), "errors": int(y.sum()), "flagged": round(float((prob >= t).mean()), 4)}
        print(f"{g}: {len(y)} words, {int(y.sum())} wrong; threshold {t:.4f} flags {(prob >= t).mean():.2%}")
    doc = {
        "about": "Weights of pipeline/restore/unsure.py's logistic model per group of conditions, and the "
                 "probability from which a word is unsure. Built by dictionaries/build/build_unsure.py from "
                 "the held-out ocr-pairs pages 0250-0299 of ../shared/data (legacy and vie readings, and "
                 "their text rendered as scans read by sohoa's OCR).",
        "features": list(FEATURES), "weights": weights, "thresholds": thresholds,
        "recall_target": a.recall, "l2": a.l2, "fitted_on": counts,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"-> {OUT}")


if __name__ == "__main__":
    main()
