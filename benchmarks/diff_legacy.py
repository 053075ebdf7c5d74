#!/usr/bin/env python3
"""How well `sohoa diff` finds the changes between two yearly plans given as legacy OCR.

The two yearly plans of the fictional xã Đông Sơn (tests/yearly_plans.py, with the changes an
analyst expects) are written out as documents, rendered as scanned pages (synth_scan.py), read
by Tesseract with the English model (the legacy OCR condition of the archives), then diffed by
sohoa through the whole pipeline (restore, parse, match). A change is right when its indicator
(folded), unit, old value, new value and kind are; spurious changes are the others reported.

Usage: benchmarks/diff_legacy.py [WORKDIR] [--profile office] [--lang eng]
Prints one line per reading (the plans themselves, the clean text and the legacy OCR through the
whole pipeline, and the plans with their names as the legacy OCR left them) and what was missed.
The OCR'd text is cached in WORKDIR (default /tmp/sohoa-diff-bench), so reruns are quick.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from pipeline.api import ProcessOptions, process_document   # noqa: E402
from pipeline.export.diff import diff_plans                  # noqa: E402
from pipeline.export.matching import fold                    # noqa: E402
from tests.test_diff import score                            # noqa: E402
from tests.yearly_plans import EXPECTED, as_text, plan_2024, plan_2025   # noqa: E402


def legacy_ocr(text: str, work: Path, name: str, profile: str, lang: str) -> Path:
    out = work / f"{name}.{profile}.{lang}.txt"
    if out.exists():
        return out
    gold = work / f"{name}.gold.txt"
    gold.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, str(HERE / "synth_scan.py"), str(gold), str(work / f"{name}.{profile}"),
                    "--profile", profile], check=True)
    pages = sorted(work.glob(f"{name}.{profile}-p*.png"), key=lambda p: int(p.stem.rsplit("-p", 1)[1]))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    texts = [subprocess.run(["tesseract", str(p), "-", "-l", lang], capture_output=True, text=True, env=env,
                            check=True).stdout for p in pages]
    out.write_text("\n".join(texts), encoding="utf-8")
    return out


def with_ocr_names(p, text: str):
    """The plan `p` with the names of its targets and items replaced by what the (restored) legacy
    OCR of its target list says, values and units kept: the matcher's input as if the parser were
    perfect. Until the real parser (issue 4) is merged this measures the matcher on damaged names."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if fold(l).startswith("chi tieu thi dua"))
    block: list[str] = []
    for line in lines[start + 1:]:
        if re.match(r"^\s*[IVX]+\s*[.,]", line):
            break
        if re.match(r"^\s*\d{1,2}\s*[.,]\s", line):
            block.append(line.strip())
        elif line.strip() and block:
            block[-1] += " " + line.strip()
    if len(block) != len(p.targets):
        raise SystemExit(f"the OCR'd target list has {len(block)} items, the plan {len(p.targets)}")
    for t, line in zip(p.targets, block):
        body = re.sub(r"^\s*\d{1,2}\s*[.,]\s*", "", line)
        t.indicator = body.split(":")[0].strip()
        if t.breakdown:
            parts = re.split(r";|, trong \S+ ", body)
            parts = parts[1:] if t.value is not None else [body.split(":", 1)[1]] + parts[1:]
            for b, part in zip(t.breakdown, parts):
                b.indicator = part.split(":")[0].strip()
    return p


def value_score(diff: dict):
    """Changes right by unit, old, new and kind (the names being OCR'd, they are not compared)."""
    expected = [e[1:] for e in EXPECTED]
    got = [(c["unit"], c["old"], c["new"], c["change"]) for c in diff["changes"]]
    right = [e for e in expected if e in got]
    missed = [e for e in expected if e not in got]
    spurious = [c for c, g in zip(diff["changes"], got) if g not in expected]
    return len(right), spurious, missed


def report(label: str, diff: dict, scorer=score) -> None:
    right, spurious, missed = scorer(diff)
    print(f"{label:28} {right}/{len(EXPECTED)} changes right, {len(spurious)} spurious")
    for m in missed:
        print(f"    missed   {m}")
    for c in spurious:
        print(f"    spurious {(c['indicator'], c['unit'], c['old'], c['new'], c['change'])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", nargs="?", default="/tmp/sohoa-diff-bench")
    ap.add_argument("--profile", default="office", choices=("clean", "office", "poor"))
    ap.add_argument("--lang", default="eng", help="Tesseract model for the 'legacy' reading (default: eng)")
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    old, new = plan_2024(), plan_2025()
    report("plans as built", diff_plans(old, new))
    options = ProcessOptions(outdir=None)
    docs = []
    for p, name in ((old, "dong-son-2024"), (new, "dong-son-2025")):
        clean = work / f"{name}.txt"
        clean.write_text(as_text(p), encoding="utf-8")
        docs.append(clean)
    report("clean text, whole pipeline", diff_plans(*(process_document(d, options).plan for d in docs)))
    ocr = [legacy_ocr(as_text(p), work, name, a.profile, a.lang)
           for p, name in ((old, "dong-son-2024"), (new, "dong-son-2025"))]
    report(f"legacy OCR ({a.lang}, {a.profile})", diff_plans(*(process_document(d, options).plan for d in ocr)))
    restored = [process_document(d, options).restored.text for d in ocr]
    report("  names as OCR'd + restored", diff_plans(with_ocr_names(plan_2024(), restored[0]),
                                                       with_ocr_names(plan_2025(), restored[1])), value_score)


if __name__ == "__main__":
    main()
