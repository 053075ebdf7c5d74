#!/usr/bin/env python3
"""Plan scores of the genre test plans, in every condition, through the whole pipeline.

    python benchmarks/parse_score.py [--variants txt,degraded,vie,eng] [--gold GOLD.json INPUT]

For each tests/data/plans/NAME.expected.json and each variant (txt: the clean plan; degraded:
what restoration typically leaves; vie: Tesseract `vie` of its rendered scan; eng: Tesseract
`eng`, i.e. legacy OCR), the input goes through ingest -> restore -> parse exactly as
`sohoa process` runs it, and benchmarks/plan_score.py scores the plan against the expected one.
With --gold, scores one input against one gold plan instead (e.g. the sample's legacy OCR).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.api import ProcessOptions, process_document  # noqa: E402

PLANS = ROOT / "tests" / "data" / "plans"


def score(gold: Path, source: Path) -> str:
    plan = process_document(source, ProcessOptions(outdir=None)).plan
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.json"
        pred.write_text(json.dumps(plan.to_dict(), ensure_ascii=False), encoding="utf-8")
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "plan_score.py"), str(gold), str(pred)],
                             capture_output=True, text=True)
    return out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", default="txt,degraded,vie,eng")
    ap.add_argument("--gold", nargs=2, metavar=("GOLD.json", "INPUT"))
    args = ap.parse_args()
    if args.gold:
        print(score(Path(args.gold[0]), Path(args.gold[1])))
        return
    names = sorted(p.name[: -len(".expected.json")] for p in PLANS.glob("*.expected.json"))
    for variant in args.variants.split(","):
        overall = []
        for name in names:
            source = PLANS / (f"{name}.txt" if variant == "txt" else f"{name}.{variant}.txt")
            if not source.exists():
                continue
            with tempfile.TemporaryDirectory() as tmp:     # `process` names outputs by the stem
                staged = Path(tmp) / f"{name}.txt"
                staged.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
                line = score(PLANS / f"{name}.expected.json", staged)
            overall.append(float(line.rsplit("overall=", 1)[1]))
            print(f"{variant:9s} {name:26s} {line}")
        if overall:
            print(f"{variant:9s} {'mean':26s} overall={sum(overall) / len(overall):.3f} "
                  f"min={min(overall):.3f} ({len(overall)} plans)\n")


if __name__ == "__main__":
    main()
