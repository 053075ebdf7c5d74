#!/usr/bin/env python3
"""Learn how Tesseract `vie` reads the marks of capitals: dictionaries/capitals-vie.tsv.

    python dictionaries/build/build_capitals.py --pages DIR [--render 40]

On capitals Tesseract `vie` loses or confuses the marks it reads well on small letters: the
circumflex and the tone squeezed above a capital (`THÀNH PHÓ` for PHỐ, `LÂM ĐÓNG` for ĐỒNG,
`GIÁM ĐÓC`, `THẤM` for THẨM). Counted here, per letter that carries marks (a ă â, e ê, o ô ơ,
u ư, i, y, d đ) and per tone, from aligned upper-case tokens whose bare letters agree:
  - the upper-case words of the training pages of ../shared/data/ocr-pairs (held-out pages and
    their documents left out, pairs.page_ids);
  - pages rendered for this (`--render N` into --pages DIR, resumable): windows of corpus lines
    (corpus.py's documents, held-out ones left out) written in capitals, rendered by
    benchmarks/synth_scan.py (clean/office/poor, and make_ocr_pairs.py's 150 dpi scan and
    copier, and 100 dpi; two fonts; capital lines are set in bold, as headers are) and read by
    `tesseract -l vie`.
The table is `source letter<TAB>read as<TAB>count`, tones as `tone:N` (0 none, 1 sắc, 2 huyền,
3 hỏi, 4 ngã, 5 nặng); pipeline/restore/capitals.py turns it into log-probabilities.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402
import pairs  # noqa: E402

from pipeline.restore.capitals import mark_pairs  # noqa: E402

# the renderer's profiles and make_ocr_pairs.py's 150 dpi scan and copier: real headers come on
# low-resolution scans, where capitals' marks suffer most
PROFILES = ["clean", "office", "poor", "lowres", "copy", "dpi100"]
# 100 dpi, as many archive scans are (a copy of make_ocr_pairs.py's 150 dpi profile, smaller)
DPI100 = dict(skew=1.0, blur=0.5, noise=5.0, light=0.10, ink=0, jpeg=60, scale=0.33)
FONTS = ["liberation", "dejavu"]
SIZES = [12.0, 13.0, 14.0]


def render_pages(out: Path, count: int, seed: int = 4242) -> None:
    import synth_scan
    sys.path.insert(0, str(HERE))
    from make_ocr_pairs import EXTRA_PROFILES, degrade, page_lines
    EXTRA_PROFILES.setdefault("dpi100", DPI100)
    out.mkdir(parents=True, exist_ok=True)
    files = corpus.corpus_files()
    rnd = random.Random(seed)
    plan = [(i, rnd.choice(files), rnd.random(), PROFILES[i % len(PROFILES)], FONTS[(i // 6) % 2],
             SIZES[(i // 12) % 3], rnd.randrange(1 << 30)) for i in range(count)]
    for i, doc, pos, profile, font, size, s in plan:
        pid = f"c{i:04d}"
        if (out / f"{pid}.vie.txt").exists():
            continue
        lines = [l.upper() for l in doc.read_text(encoding="utf-8").split("\n") if l.strip()]
        start = int(pos * max(0, len(lines) - 30))
        text = page_lines(lines[start:start + 60], size, font)
        if len(text) < 5:
            continue
        img = synth_scan.render_pages(text, size_pt=size, font=font)[0]
        arr = degrade(img, profile, random.Random(s))
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "p.png")
            synth_scan.cv2.imwrite(png, arr)
            got = subprocess.run(["tesseract", png, "-", "-l", "vie"], check=True, capture_output=True,
                                 text=True, env=dict(os.environ, OMP_THREAD_LIMIT="1")).stdout
        (out / f"{pid}.src.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
        (out / f"{pid}.vie.txt").write_text(got, encoding="utf-8")
        print(f"  {pid} {profile} {font} {size}", file=sys.stderr)


def count(triples) -> Counter:
    counts: Counter = Counter()
    for src_text, vie_text in triples:
        src, vie = pairs.cores(src_text), pairs.cores(vie_text)
        for s, o in pairs.align_tokens(src, vie):
            if len(s) >= 2 and s.isupper() and s.isalpha():
                for a, b in mark_pairs(s.lower(), o.lower()):
                    counts[(a, b)] += 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, required=True, help="folder of the rendered capital pages")
    ap.add_argument("--render", type=int, default=0, help="render this many pages first (resumable)")
    ap.add_argument("--shared", type=Path, default=pairs.SHARED_PAIRS)
    ap.add_argument("--out", type=Path, default=HERE.parent / "capitals-vie.tsv")
    a = ap.parse_args()
    if a.render:
        render_pages(a.pages, a.render)
    triples = []
    for folder, pid in pairs.page_ids([a.shared], heldout=False):
        triples.append(((folder / f"{pid}.src.txt").read_text(encoding="utf-8"),
                        (folder / f"{pid}.vie.txt").read_text(encoding="utf-8")))
    for src in sorted(a.pages.glob("c*.src.txt")):
        vie = src.with_name(src.name.replace(".src.", ".vie."))
        if vie.exists():
            triples.append((src.read_text(encoding="utf-8"), vie.read_text(encoding="utf-8")))
    counts = count(triples)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"# how Tesseract vie read the marked letters and tones of upper-case words: source, read "
                f"as, count; {len(triples)} pages (dictionaries/build/build_capitals.py)\n")
        for (s, o), c in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
            f.write(f"{s}\t{o}\t{c}\n")
    changed = sum(c for (s, o), c in counts.items() if s != o)
    print(f"wrote {a.out}: {len(counts)} pairs, {sum(counts.values())} marks, {changed} misread", file=sys.stderr)


if __name__ == "__main__":
    main()
