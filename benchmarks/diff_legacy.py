#!/usr/bin/env python3
"""How well `sohoa diff` finds the changes between two yearly plans given as legacy OCR.

The two yearly plans of the fictional xã Đông Sơn (tests/yearly_plans.py, with the changes an
analyst expects) are written out as documents, rendered as scanned pages (synth_scan.py), read
by Tesseract with the English model (the legacy OCR condition of the archives), then diffed by
sohoa through the whole pipeline (restore, parse, match). A change is right when its indicator
(folded), unit, old value, new value and kind are; spurious changes are the others reported.

Usage: benchmarks/diff_legacy.py [WORKDIR] [--profile office] [--lang eng]
Prints one line per reading (the plans themselves, the legacy OCR) and the changes missed.
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


def lenient_score(diff: dict):
    """Like tests.test_diff.score, but names and units compared folded and fuzzily (token set
    ratio >= 70), as a person reading raw legacy OCR would."""
    from rapidfuzz import fuzz
    got = list(diff["changes"])
    right, missed = 0, []
    for indicator, unit, old, new, kind in EXPECTED:
        hit = next((c for c in got if fuzz.token_set_ratio(fold(c["indicator"]), fold(indicator)) >= 70
                    and fold(c["unit"]) == fold(unit) and c["old"] == old and c["new"] == new
                    and c["change"] == kind), None)
        if hit is None:
            missed.append((indicator, unit, old, new, kind))
        else:
            got.remove(hit)
            right += 1
    return right, got, missed


_ITEM = re.compile(r"([^:;]+?):?\s+(\d[\d.,]*)\s*([^;,\d]*)")


def rough_plan(text: str, year: int):
    """A stand-in parser for this benchmark only: numbered lines "N. name: value unit; name: value
    unit" of the target list, joined when wrapped. It shows how the matcher copes with names as
    damaged as raw legacy OCR leaves them, before the real parser (issue 4) is merged."""
    from pipeline.model import Plan, Source, Target
    lines, out = text.splitlines(), []
    start = next((i for i, l in enumerate(lines) if fold(l).startswith("chi tieu thi dua")), None)
    if start is None:
        return Plan(source=Source(path="", sha256="", kind="text", pages=1), year=year)
    block = []
    for l in lines[start + 1:]:
        if re.match(r"^\s*[IVX]+\s*\.", l):
            break
        if re.match(r"^\s*\d{1,2}\s*\.\s", l):
            block.append(l.strip())
        elif l.strip() and block:
            block[-1] += " " + l.strip()

    def number(v):
        v = v.rstrip(".,")
        v = v.replace(".", "").replace(",", ".") if "," in v or re.search(r"\.\d{3}\b", v) else v
        try:
            return float(v)
        except ValueError:
            return None

    for line in block:
        m = re.match(r"^\s*(\d{1,2})\s*\.\s*(.*)$", line)
        n, rest = int(m.group(1)), m.group(2)
        head, _, tail = rest.partition(", trong do ")
        parts = [p for p in re.split(r";", head)]
        first = _ITEM.match(parts[0].strip())
        if first and len(parts) == 1:
            t = Target(number=n, indicator=first.group(1).strip(), value=number(first.group(2)),
                       unit=first.group(3).strip() or None)
            items = tail.split(";") if tail else []
        else:
            name, _, first_item = parts[0].partition(":")
            t = Target(number=n, indicator=name.strip(), value=None)
            items = [first_item] + parts[1:]
        for it in items:
            m2 = _ITEM.match(it.strip())
            if m2:
                t.breakdown.append(Target(number=None, indicator=m2.group(1).strip(), value=number(m2.group(2)),
                                          unit=m2.group(3).strip() or None))
        out.append(t)
    return Plan(source=Source(path="", sha256="", kind="text", pages=1), year=year, targets=out)


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
    report("  stand-in parser, restored", diff_plans(rough_plan(restored[0], 2024), rough_plan(restored[1], 2025)),
           lenient_score)


if __name__ == "__main__":
    main()
