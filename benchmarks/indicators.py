#!/usr/bin/env python3
"""Do the targets' indicator names come out whole? The genre plans, rendered, OCR'd, restored.

    python benchmarks/indicators.py [--langs eng,vie] [--renderings office:5,poor:6]
                                    [--compare] [--show] [--cache DIR]

For each plan of tests/data/plans (written for the parser tests; in no training data), each
rendering (benchmarks/synth_scan.py profile:seed; other seeds than the committed NAME.eng.txt,
made with seed 3) and each Tesseract language (`eng`: legacy OCR, `vie`): the page images are
read by plain `tesseract -l LANG --psm 4` (as tests/data/plans/make_variants.py does), the text
goes through ingest -> restore -> parse as `sohoa process` runs it, and every target (and
breakdown item) of the plan parsed from the clean text is looked for among the OCR'd plan's (same
value and unit, the closest name). A target counts when its indicator is the same string.
Readings are cached under --cache (default $SOHOA_CACHE/indicators, ~/.cache/sohoa/...).

--compare also runs restoration without the phrase book and the capitals' channel (the engine's
`phrases` and `capitals` set to None), for before/after figures in one run.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.api import ProcessOptions, process_document  # noqa: E402

PLANS = ROOT / "tests" / "data" / "plans"


def cache_dir(arg: str | None) -> Path:
    base = Path(arg) if arg else Path(os.environ.get("SOHOA_CACHE", Path.home() / ".cache" / "sohoa")) / "indicators"
    base.mkdir(parents=True, exist_ok=True)
    return base


def reading(name: str, profile: str, seed: int, lang: str, cache: Path) -> str:
    out = cache / f"{name}-{profile}-{seed}.{lang}.txt"
    if out.exists():
        return out.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        pages = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth_scan.py"), str(PLANS / f"{name}.txt"),
                                str(Path(tmp) / name), "--profile", profile, "--seed", str(seed)],
                               check=True, capture_output=True, text=True).stdout.split()
        texts = [subprocess.run(["tesseract", page, "-", "-l", lang, "--psm", "4"], check=True,
                                capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}
                                ).stdout.rstrip("\n") for page in pages]
    text = "\n\n".join(texts) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def targets(text: str, name: str) -> list[tuple[str, float, str | None]]:
    with tempfile.TemporaryDirectory() as tmp:      # `process` reads a file named like the plan
        staged = Path(tmp) / f"{name}.txt"
        staged.write_text(text, encoding="utf-8")
        plan = process_document(staged, ProcessOptions(outdir=None)).plan
    return [(" ".join(item.indicator.split()), item.value, item.unit)
            for t in plan.targets for item in [t, *t.breakdown] if item.value is not None]


def compare(gold, got):
    """(targets whose indicator came out exactly, [(expected, got)] for the others)."""
    used, exact, wrong = set(), 0, []
    for ind, value, unit in gold:
        best, bj = -1.0, None
        for j, (ind2, value2, unit2) in enumerate(got):
            if j not in used and value2 == value and unit2 == unit:
                s = fuzz.ratio(ind, ind2)
                if s > best:
                    best, bj = s, j
        if bj is not None:
            used.add(bj)
        if bj is not None and got[bj][0] == ind:
            exact += 1
        else:
            wrong.append((ind, got[bj][0] if bj is not None else None))
    return exact, wrong


def set_features(on: bool, saved: dict) -> None:
    from pipeline.restore.engine import get_engine
    engine = get_engine()
    for name in ("phrases", "capitals"):
        if name not in saved:
            saved[name] = getattr(engine, name, None)
        if hasattr(engine, name):
            setattr(engine, name, saved[name] if on else None)
    engine._slot_cache.clear()          # candidates of capitals depend on the feature


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--langs", default="eng,vie")
    ap.add_argument("--renderings", default="office:5,poor:6", help="synth_scan profile:seed, comma-separated")
    ap.add_argument("--plans", help="plan names, comma-separated (default: all)")
    ap.add_argument("--cache", help="where readings are kept (default $SOHOA_CACHE/indicators)")
    ap.add_argument("--compare", action="store_true", help="also without the phrase book and capitals")
    ap.add_argument("--show", action="store_true", help="print every indicator that did not come out whole")
    args = ap.parse_args()
    cache = cache_dir(args.cache)
    names = args.plans.split(",") if args.plans else sorted(
        p.name[: -len(".expected.json")] for p in PLANS.glob("*.expected.json"))
    renderings = [(r.split(":")[0], int(r.split(":")[1])) for r in args.renderings.split(",")]
    gold = {name: targets((PLANS / f"{name}.txt").read_text(encoding="utf-8"), name) for name in names}
    saved: dict = {}
    modes = [("before", False), ("after", True)] if args.compare else [("now", True)]
    for lang in args.langs.split(","):
        texts = {(name, p, s): reading(name, p, s, lang, cache) for name in names for p, s in renderings}
        for label, on in modes:
            set_features(on, saved)
            exact = total = 0
            for (name, profile, seed), text in texts.items():
                e, wrong = compare(gold[name], targets(text, name))
                exact += e
                total += len(gold[name])
                if args.show:
                    for want, got in wrong:
                        print(f"  {lang} {label} {name}-{profile}-{seed}: {want!r} -> {got!r}")
            print(f"{lang} {label:6s} indicators whole: {exact}/{total} = {exact / max(total, 1):.1%} "
                  f"({len(names)} plans x {len(renderings)} renderings)", flush=True)
        set_features(True, saved)


if __name__ == "__main__":
    main()
