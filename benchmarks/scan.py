#!/usr/bin/env python3
"""Scans: syllable accuracy and speed of plain Tesseract `vie` against sohoa's OCR stage.

    nice -n 10 .venv/bin/python benchmarks/scan.py                 # default: ~3 minutes
    nice -n 10 .venv/bin/python benchmarks/scan.py --docs 12       # more pages per profile
    nice -n 10 .venv/bin/python benchmarks/scan.py --ablation      # each preprocessing step on/off
    nice -n 10 .venv/bin/python benchmarks/scan.py --jobs 2        # page pool vs sequential
    nice -n 10 .venv/bin/python benchmarks/scan.py --e2e           # one `sohoa process` call on a
                                     # multi-page PDF, a multi-page TIFF, a turned page and a JPEG

Pages are rendered from texts that are not the sample's gold: the source texts of
../shared/data/ocr-pairs (2025 provincial documents), falling back to this repository's own
test text. Profiles: clean, office and poor are synth_scan.py's; archive adds what synth_scan
does not make (scan_degrade.py: salt-and-pepper, binding shadow, scanner borders, streaks,
JPEG at quality 20-40, 150 dpi, colour with a red stamp and blue signature, skew up to 3.5
degrees) and turns one page in four by 90, 180 or 270 degrees.

"plain" is `tesseract PAGE - -l vie` (default page segmentation, OMP_THREAD_LIMIT=1) on the page
file; "sohoa" is pipeline.ingest.load_document + pipeline.ocr.recognise on the same file;
"sohoa+restore" adds the restore stage (the .txt that `sohoa process` writes). Use --first 250
for texts whose documents are kept out of the restoration models (ocr-pairs 0250-0299, the
default).
Accuracy is vnscore.py's syllable accuracy over all pages of a profile; speed is pages per
minute of wall time, one page at a time (both single-threaded), on this machine as it is.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import scan_degrade  # noqa: E402
import synth_scan  # noqa: E402
import vnscore  # noqa: E402

PAIRS = ROOT.parent / "shared" / "data" / "ocr-pairs"
OWN_TEXT = ROOT / "tests" / "data" / "phuc-loc-2025.gold.txt"
PROFILES = ("clean", "office", "poor", "archive")
FONTS = ("liberation", "dejavu")


# ----------------------------------------------------------------------------- pages

def source_texts(first: int, count: int) -> list[tuple[str, str]]:
    """(name, text) of `count` source texts, starting at ocr-pairs id `first`."""
    if PAIRS.is_dir():
        ids = sorted(p.name.split(".")[0] for p in PAIRS.glob("*.src.txt"))[first:first + count]
        return [(i, (PAIRS / f"{i}.src.txt").read_text(encoding="utf-8")) for i in ids]
    return [(f"own{k}", OWN_TEXT.read_text(encoding="utf-8")) for k in range(count)]


def render_doc(text: str, profile: str, font: str, rnd: random.Random) -> list[tuple[np.ndarray, list[str]]]:
    """The pages of one text under a profile: [(page image, degradations), ...]."""
    pages = synth_scan.render_pages(text.split("\n"), font=font)
    out = []
    for page in pages:
        if profile == "archive":
            turn = rnd.choice([90, 180, 270]) if rnd.random() < 0.25 else 0
            out.append(scan_degrade.archive_page(np.array(page), rnd, turn=turn))
        else:
            out.append((synth_scan.degrade(page, synth_scan.PROFILES[profile], rnd), [profile]))
    return out


def build_set(workdir: Path, docs: int, first: int, seed: int) -> list[dict]:
    import cv2

    items = []
    texts = source_texts(first, docs * len(PROFILES))
    for p_i, profile in enumerate(PROFILES):
        for d in range(docs):
            name, text = texts[p_i * docs + d]
            font = FONTS[d % 2]
            rnd = random.Random(f"{seed}-{profile}-{name}")
            files = []
            for k, (img, done) in enumerate(render_doc(text, profile, font, rnd), 1):
                f = workdir / f"{profile}-{name}-p{k}.png"
                cv2.imwrite(str(f), img)
                files.append((f, done))
            items.append({"profile": profile, "name": name, "font": font, "gold": text, "files": files})
    return items


# ----------------------------------------------------------------------------- readers

def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def plain_tesseract(path: Path, threads: int = 1) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT=str(threads)) if threads else dict(os.environ)
    if not threads:
        env.pop("OMP_THREAD_LIMIT", None)
    r = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, env=env)
    return r.stdout.decode("utf-8", "replace")


def sohoa_ocr(path: Path, jobs: int = 1, details: list | None = None, **kw) -> str:
    from pipeline.ingest import load_document
    from pipeline.ocr import recognise
    return recognise(load_document(path), jobs=jobs, details=details, **kw).text


def variant_reader(spec: str):
    """A sohoa reader with other Tesseract settings: "psm=6", "lang=Vietnamese", "psm=4,lang=vie";
    "restore=1" restores what it read."""
    from pipeline.ingest import load_document
    from pipeline.ocr import recognise
    from pipeline.restore import restore_text

    kw = {}
    for part in spec.split(","):
        key, _, value = part.partition("=")
        kw[key] = int(value) if key in ("psm", "restore") else value
    if kw.pop("restore", 0):
        return lambda f: restore_text(recognise(load_document(f), **kw)).text
    return lambda f: sohoa_ocr(f, **kw)


def timed(fn, *args, **kw):
    t, c = time.perf_counter(), self_cpu() + child_cpu()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t, self_cpu() + child_cpu() - c


# ----------------------------------------------------------------------------- runs

def compare(items: list[dict], readers: dict) -> dict:
    """{reader: {profile: {errors, tokens, pages, wall, cpu}}}"""
    stats: dict = {r: {} for r in readers}
    for it in items:
        for rname, read in readers.items():
            texts, wall, cpu = [], 0.0, 0.0
            for f, _ in it["files"]:
                text, w, c = timed(read, f)
                texts.append(text)
                wall += w
                cpu += c
            res = vnscore.score(it["gold"], "\n".join(texts))
            s = stats[rname].setdefault(it["profile"], dict(errors=0, tokens=0, pages=0, wall=0.0, cpu=0.0))
            s["errors"] += len(res["errors"])
            s["tokens"] += res["gold_tokens"]
            s["pages"] += len(it["files"])
            s["wall"] += wall
            s["cpu"] += cpu
            print(f"  {rname:>10} {it['profile']:8} {it['name']} pages={len(it['files'])} "
                  f"acc={res['acc']:.4f} {wall:5.1f}s  {'; '.join(','.join(d) for _, d in it['files'])}",
                  file=sys.stderr, flush=True)
    return stats


def table(stats: dict, readers: list[str]) -> str:
    head = "| profile | pages | " + " | ".join(f"{r} accuracy | {r} pages/min" for r in readers) + " |"
    rule = "|---|---:|" + "---:|---:|" * len(readers)
    rows = [head, rule]
    profiles = [p for p in PROFILES if p in stats[readers[0]]]
    total = {r: dict(errors=0, tokens=0, pages=0, wall=0.0) for r in readers}
    for p in profiles:
        cells = []
        for r in readers:
            s = stats[r][p]
            for k in total[r]:
                total[r][k] += s[k]
            cells.append(f"{1 - s['errors'] / s['tokens']:.2%} | {60 * s['pages'] / s['wall']:.1f}")
        rows.append(f"| {p} | {stats[readers[0]][p]['pages']} | " + " | ".join(cells) + " |")
    cells = [f"{1 - t['errors'] / t['tokens']:.2%} | {60 * t['pages'] / t['wall']:.1f}" for t in total.values()]
    rows.append(f"| **all** | {total[readers[0]]['pages']} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


KEPT = {"colour", "unstreak", "orient", "deskew", "flatten", "rescale"}
ABLATIONS = {
    "all steps": None,
    "no orientation": KEPT - {"orient"},
    "no deskew": KEPT - {"deskew"},
    "no flatten": KEPT - {"flatten"},
    "no streak removal": KEPT - {"unstreak"},
    "luminance gray": KEPT - {"colour"},
    "+ median 3x3": KEPT | {"despeckle"},
    "+ unsharp mask": KEPT | {"sharpen"},
    "+ Otsu": KEPT | {"otsu"},
    "+ Sauvola": KEPT | {"sauvola"},
    "nothing (gray only)": {"rescale"},
}


def ablation(items: list[dict]) -> str:
    from pipeline.ocr import preprocess

    default = preprocess.ALL_STEPS
    readers = {}
    for name, steps in ABLATIONS.items():
        def read(f, steps=steps):
            preprocess.ALL_STEPS = frozenset(steps) if steps is not None else default
            try:
                return sohoa_ocr(f)
            finally:
                preprocess.ALL_STEPS = default
        readers[name] = read
    stats = compare(items, readers)
    profiles = [p for p in PROFILES if p in stats["all steps"]]
    rows = ["| steps | " + " | ".join(profiles) + " | all |", "|---|" + "---:|" * (len(profiles) + 1)]
    for name in readers:
        s = stats[name]
        cells = [f"{1 - s[p]['errors'] / s[p]['tokens']:.2%}" for p in profiles]
        e = sum(s[p]["errors"] for p in profiles)
        n = sum(s[p]["tokens"] for p in profiles)
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {1 - e / n:.2%} |")
    return "\n".join(rows)


def pool_speed(items: list[dict], jobs: int) -> str:
    """One multi-page document per profile: recognise() with jobs=1 and jobs=N, and plain
    Tesseract with its own OpenMP threads."""
    import cv2
    from PIL import Image

    pages = [f for it in items for f, _ in it["files"]][:8]
    tif = Path(tempfile.mkdtemp()) / "doc.tif"
    frames = [Image.fromarray(cv2.imread(str(f), cv2.IMREAD_GRAYSCALE)) for f in pages]
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="tiff_lzw")
    lines = [f"{len(pages)}-page TIFF:"]
    for j in (1, jobs):
        _, wall, cpu = timed(sohoa_ocr, tif, jobs=j)
        lines.append(f"  sohoa --jobs {j}: {wall:.1f} s wall, {cpu:.1f} s CPU, {60 * len(pages) / wall:.1f} pages/min")
    for threads in (1, 0):
        t = time.perf_counter()
        for f in pages:
            plain_tesseract(f, threads=threads)
        wall = time.perf_counter() - t
        lines.append(f"  plain tesseract, OMP_THREAD_LIMIT={threads or 'unset'}: {wall:.1f} s wall, "
                     f"{60 * len(pages) / wall:.1f} pages/min")
    shutil.rmtree(tif.parent, ignore_errors=True)
    return "\n".join(lines)


def e2e(items: list[dict], workdir: Path, jobs: int | None) -> str:
    """The acceptance shape: one `sohoa process` call on a multi-page PDF, a multi-page TIFF,
    a page turned 90 degrees and a JPEG, against plain Tesseract on the same page images."""
    import cv2
    from PIL import Image

    docs = [it for it in items if it["profile"] in ("office", "archive", "poor")]
    upright = [it for it in docs if not any("turned" in ",".join(d) for _, d in it["files"])]
    multi = sorted(upright, key=lambda it: -len(it["files"]))
    single = [it for it in upright if len(it["files"]) == 1] or upright
    pdf_doc, tif_doc = (multi * 2)[:2]
    jpg_doc, turn_doc = (single[::-1] * 2)[:2]
    e2e_dir = workdir / "e2e"
    e2e_dir.mkdir()
    gray = lambda f: Image.fromarray(cv2.cvtColor(cv2.imread(str(f), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))
    inputs, golds, plain_pages = [], {}, []
    pdf = e2e_dir / "scan-pdf.pdf"
    frames = [gray(f) for f, _ in pdf_doc["files"]]
    frames[0].save(pdf, "PDF", save_all=True, append_images=frames[1:], resolution=300)
    inputs.append(pdf); golds["scan-pdf"] = pdf_doc["gold"]; plain_pages += [f for f, _ in pdf_doc["files"]]
    tif = e2e_dir / "scan-tif.tif"
    frames = [gray(f) for f, _ in tif_doc["files"]]
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(300, 300))
    inputs.append(tif); golds["scan-tif"] = tif_doc["gold"]; plain_pages += [f for f, _ in tif_doc["files"]]
    jpg = e2e_dir / "scan-jpg.jpg"
    cv2.imwrite(str(jpg), cv2.imread(str(jpg_doc["files"][0][0]), cv2.IMREAD_UNCHANGED), [cv2.IMWRITE_JPEG_QUALITY, 60])
    inputs.append(jpg); golds["scan-jpg"] = jpg_doc["gold"]; plain_pages.append(jpg)
    turned = e2e_dir / "scan-turned.png"
    cv2.imwrite(str(turned), np.ascontiguousarray(np.rot90(cv2.imread(str(turn_doc["files"][0][0]), cv2.IMREAD_UNCHANGED))))
    inputs.append(turned); golds["scan-turned"] = turn_doc["gold"]; plain_pages.append(turned)

    t = time.perf_counter()
    plain_text = {}
    for f in plain_pages:
        plain_text.setdefault(f, plain_tesseract(f))
    plain_wall = time.perf_counter() - t
    out = e2e_dir / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "process", *map(str, inputs), "-o", str(out)]
    if jobs:
        helptext = subprocess.run([sys.executable, "-m", "pipeline.cli", "process", "--help"],
                                  capture_output=True, text=True, cwd=ROOT).stdout
        if "--jobs" in helptext:
            cmd += ["--jobs", str(jobs)]
        else:   # the CLI has no --jobs yet: the same batch run through the API, with ProcessOptions.jobs
            code = ("import sys; from pathlib import Path; from pipeline.api import ProcessOptions; "
                    "from pipeline.batch import run_batch; "
                    f"sys.exit(run_batch([Path(p) for p in sys.argv[1:]], ProcessOptions(outdir=Path({str(out)!r}), jobs={jobs})))")
            cmd = [sys.executable, "-c", code, *map(str, inputs)]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    sohoa_wall = time.perf_counter() - t
    how = "sohoa process" if "pipeline.cli" in cmd else "pipeline.batch.run_batch (the CLI has no --jobs yet)"
    lines = [f"e2e: {len(plain_pages)} pages in 4 files; {how}{', jobs ' + str(jobs) if jobs else ''}: exit {r.returncode}"]
    if r.returncode not in (0, 4):
        lines.append(r.stderr[-2000:])
    for stem, gold in golds.items():
        txt = out / f"{stem}.txt"
        acc = vnscore.score(gold, txt.read_text(encoding="utf-8"))["acc"] if txt.exists() else 0.0
        lines.append(f"  {stem:12} sohoa .txt accuracy {acc:.2%}")
    lines.append(f"  plain tesseract (single-threaded, one page after another): {plain_wall:.1f} s")
    lines.append(f"  sohoa process (whole run, restore/parse included):           {sohoa_wall:.1f} s "
                 f"= {sohoa_wall / plain_wall:.2f}x")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=3, help="documents per profile (default 3, ~1.4 pages each)")
    ap.add_argument("--first", type=int, default=250,
                    help="first ocr-pairs text to use (default 250: documents held out of the restoration models)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--ablation", action="store_true", help="run sohoa with each preprocessing step on/off")
    ap.add_argument("--variant", action="append", default=[], metavar="SPEC",
                    help='also run sohoa with other Tesseract settings, e.g. "psm=6" or "lang=Vietnamese" (repeatable)')
    ap.add_argument("--jobs", type=int, default=0, help="also time a multi-page document with this many workers")
    ap.add_argument("--e2e", action="store_true", help="also time one `sohoa process` call, acceptance-style")
    ap.add_argument("--no-table", action="store_true", help="skip the plain/sohoa table (with --jobs or --e2e)")
    ap.add_argument("--keep", type=Path, help="keep the rendered pages in this folder")
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = ap.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sohoa-scan-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        items = build_set(workdir, args.docs, args.first, args.seed)
        print(f"rendered {sum(len(i['files']) for i in items)} pages in {time.perf_counter() - t:.0f} s",
              file=sys.stderr)
        from pipeline.ocr import tesseract
        print(f"{tesseract.tesseract_version()}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}\n")
        results = {}
        if args.ablation:
            print(ablation(items))
        elif not args.no_table:
            readers = {"plain": plain_tesseract, "sohoa": sohoa_ocr, "sohoa+restore": variant_reader("restore=1")}
            readers.update({spec: variant_reader(spec) for spec in args.variant})
            stats = compare(items, readers)
            results["stats"] = stats
            print(table(stats, list(readers)))
        if args.jobs:
            print("\n" + pool_speed(items, args.jobs))
        if args.e2e:
            print("\n" + e2e(items, workdir, args.jobs or None))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
