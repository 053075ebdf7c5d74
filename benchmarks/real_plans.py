#!/usr/bin/env python3
"""Plan extraction on real plans that are not in the repository, scored against expected plans
written by hand, and the same plan given three ways compared.

    SOHOA_REAL_GOLD=DIR python benchmarks/real_plans.py [--real DIR] [--gold DIR] [--scan]

For each DIR/NAME.expected.json (the gold folder: `--gold`, else the environment variable
SOHOA_REAL_GOLD; nothing is scored without one), the inputs found under the real samples
(`--real`, default ../shared/samples/real beside the clone: docx/NAME.docx, texts/NAME.txt)
go through `sohoa process` in memory and benchmarks/plan_score.py scores each plan. Then the
plans of one document given as .docx and as its text are compared: the share of targets (value,
unit, indicator) and assignments (assignee, deadline) they have in common. With --scan the Word
file is also printed as a scan (LibreOffice to PDF, pages rendered at 300 dpi into a TIFF with no
text layer) and read through OCR, and compared the same way.

Expected plans of real documents stay outside the repository (the documents name officials);
the script skips what it does not find.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from pipeline.api import ProcessOptions, process_document  # noqa: E402


def score(gold: Path, plan) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.json"
        pred.write_text(json.dumps(plan.to_dict(), ensure_ascii=False), encoding="utf-8")
        out = subprocess.run([sys.executable, str(HERE / "plan_score.py"), str(gold), str(pred)],
                             capture_output=True, text=True)
    return out.stdout.strip()


def facts(plan) -> tuple[set, set]:
    def flat(targets):
        for t in targets:
            if t.value is not None:
                yield (" ".join(t.indicator.lower().split()), t.value, t.unit)
            yield from flat(t.breakdown)
    return set(flat(plan.targets)), {(" ".join(a.assignee.split()), a.deadline) for a in plan.assignments}


def agreement(a, b) -> str:
    (ta, aa), (tb, ab) = facts(a), facts(b)

    def share(x, y):
        return len(x & y) / max(1, len(x | y))
    return f"targets {share(ta, tb):.3f} ({len(ta & tb)}/{len(ta | tb)}), assignments {share(aa, ab):.3f} ({len(aa & ab)}/{len(aa | ab)})"


def scanned(docx: Path, workdir: Path, dpi: int = 300) -> Path:
    """The Word file printed and scanned: LibreOffice makes the PDF, PDFium renders its pages
    (gray, `dpi`), and the pages become one TIFF (no text layer: the scan is read by OCR)."""
    import shutil

    import pypdfium2 as pdfium
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([exe, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(docx)], capture_output=True, check=True)
    pdf = pdfium.PdfDocument(str(workdir / f"{docx.stem}.pdf"))
    pages = [page.render(scale=dpi / 72).to_pil().convert("L") for page in pdf]
    pdf.close()
    tif = workdir / f"{docx.stem}.tif"
    pages[0].save(tif, save_all=True, append_images=pages[1:], dpi=(dpi, dpi), compression="tiff_lzw")
    return tif


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "samples" / "real")
    ap.add_argument("--gold", type=Path, default=Path(os.environ["SOHOA_REAL_GOLD"]) if os.environ.get("SOHOA_REAL_GOLD") else None)
    ap.add_argument("--scan", action="store_true", help="also render the text as a scan and read it (slow)")
    args = ap.parse_args()
    if args.gold is None or not args.gold.is_dir():
        print("no gold folder (--gold DIR or SOHOA_REAL_GOLD): nothing to score")
        return
    if not args.real.is_dir():
        print(f"{args.real} not found: nothing to score")
        return
    for gold in sorted(args.gold.glob("*.expected.json")):
        name = gold.name[: -len(".expected.json")]
        plans = {}
        for kind, rel in (("docx", f"docx/{name}.docx"), ("text", f"texts/{name}.txt")):
            source = args.real / rel
            if source.exists():
                plans[kind] = process_document(source, ProcessOptions(outdir=None)).plan
                print(f"{name:40s} {kind:5s} {score(gold, plans[kind])}")
        if args.scan and (args.real / f"docx/{name}.docx").exists():
            with tempfile.TemporaryDirectory() as tmp:
                tif = scanned(args.real / f"docx/{name}.docx", Path(tmp))
                plans["scan"] = process_document(tif, ProcessOptions(outdir=None, jobs=2)).plan
            print(f"{name:40s} {'scan':5s} {score(gold, plans['scan'])}")
        kinds = list(plans)
        for i, x in enumerate(kinds):
            for y in kinds[i + 1:]:
                print(f"{name:40s} {x} = {y}: {agreement(plans[x], plans[y])}")


if __name__ == "__main__":
    main()
