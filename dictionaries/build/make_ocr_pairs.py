#!/usr/bin/env python3
"""Make (source text, Tesseract eng, Tesseract vie) page triples for learning the OCR channel.

Renders windows of corpus text as degraded A4 scans with the project's copy of the shared
renderer (benchmarks/synth_scan.py), reads each page with Tesseract `eng` (the legacy mangling)
and `vie`, and writes for page ID:
    ID.src.txt   the exact text on the page (lines as rendered, wrapped to the page width)
    ID.eng.txt / ID.eng.tsv   Tesseract -l eng (text and word table with confidences)
    ID.vie.txt / ID.vie.tsv   Tesseract -l vie
plus pairs.tsv (id, source file, start line, profile, font, size).

Text comes from ../shared/data/vn-legal-admin and vlc-legal (state documents, no copyright);
never from ../shared/samples. Deterministic for a given --seed, resumable (existing pages are
skipped), so `make_ocr_pairs.py --pages 1500 OUT` rebuilds the same set.
"""
import argparse, os, random, subprocess, sys, tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "benchmarks"))
import synth_scan  # noqa: E402
from PIL import ImageFont  # noqa: E402

# Which corpus folders to draw from, with weights: the provincial 2025 documents are closest
# to commune plans, the codified law gives breadth of vocabulary.
FOLDERS = [("vn-legal-admin/tvpl-local", 5), ("vn-legal-admin/site-pages", 2),
           ("vn-legal-admin/congbao", 2), ("vn-legal-admin/phapdien", 1),
           ("vn-legal-admin/vlc2023", 1), ("vlc-legal/corpus", 1)]
PROFILES = ["clean", "office", "poor"]
SIZES = [12.0, 13.0, 13.5, 14.0]

# Variant 2 widens what the channel sees, so that it generalises to real archive scans:
# Times-like fonts (documents are set in Times New Roman; TeX Gyre Termes and FreeSerif are
# close clones with full Vietnamese coverage: Debian fonts-texgyre, fonts-freefont-ttf) and two
# extra degradations made on top of the renderer's: an old black-and-white copier ("copy":
# blurred, then thresholded) and a 150 dpi JPEG scan ("lowres").
synth_scan.FAMILIES.update({"termes": "TeX Gyre Termes", "freeserif": "FreeSerif"})
PROFILES_V2 = ["clean", "office", "poor", "copy", "lowres"]
FONTS_V2 = ["termes", "liberation", "freeserif", "dejavu"]
SIZES_V2 = [11.5, 12.0, 13.0, 13.5, 14.0]
EXTRA_PROFILES = {
    "copy": dict(skew=0.8, blur=1.0, noise=4.0, light=0.05, ink=1, jpeg=0, scale=0.75, threshold=150),
    "lowres": dict(skew=1.0, blur=0.6, noise=5.0, light=0.10, ink=0, jpeg=60, scale=0.5),
}


def degrade(img, profile: str, rnd):
    """The renderer's degradations, plus thresholding for the extra 'copy' profile."""
    if profile in synth_scan.PROFILES:
        return synth_scan.degrade(img, synth_scan.PROFILES[profile], rnd)
    p = EXTRA_PROFILES[profile]
    a = synth_scan.degrade(img, p, rnd)
    if p.get("threshold"):
        a = ((a >= p["threshold"]) * 255).astype(a.dtype)
    return a


def page_lines(lines, size_pt, font):
    """The source lines, wrapped as the renderer wraps them, that fit on one page."""
    px = int(round(size_pt / 72 * 300))
    reg = ImageFont.truetype(synth_scan.font_file(synth_scan.FAMILIES[font]), px)
    bold = ImageFont.truetype(synth_scan.font_file(synth_scan.FAMILIES[font], bold=True), px)
    width = synth_scan.W - synth_scan.LEFT - synth_scan.RIGHT
    lh = int(px * 1.5)
    y, out = synth_scan.TOP, []
    for line in lines:
        f = bold if synth_scan.is_heading(line) else reg
        for part in synth_scan.wrap(line.rstrip(), f, width):
            step = lh if part else lh // 2
            if y + lh > synth_scan.H - synth_scan.BOTTOM:
                return out
            out.append(part)
            y += step
    return out


def tesseract(img_path, out_base, lang):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    subprocess.run(["tesseract", img_path, out_base, "-l", lang, "txt", "tsv"],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--data", default=str(HERE.parents[2] / "shared" / "data"))
    ap.add_argument("--pages", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--start", type=int, default=0, help="first page id (to split work between processes)")
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--variant", type=int, default=1, choices=(1, 2),
                    help="1: the renderer's profiles and fonts; 2: more fonts and degradations")
    a = ap.parse_args()
    prefix = "s" if a.variant == 1 else "t"
    data, out = Path(a.data), Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    docs = {f: sorted((data / f).glob("*.txt")) for f, _ in FOLDERS}
    weights = [w for _, w in FOLDERS]
    rnd = random.Random(a.seed)
    plan = []  # decide every page up front so that --start/--step splits stay deterministic
    for i in range(a.pages):
        folder = rnd.choices([f for f, _ in FOLDERS], weights)[0]
        doc = rnd.choice(docs[folder])
        if a.variant == 1:
            plan.append((i, doc, rnd.random(), PROFILES[i % 3], "liberation" if (i // 3) % 2 == 0 else "dejavu",
                         SIZES[(i // 6) % len(SIZES)], rnd.randrange(1 << 30)))
        else:
            plan.append((i, doc, rnd.random(), PROFILES_V2[i % 5], FONTS_V2[(i // 5) % 4],
                         SIZES_V2[(i // 20) % 5], rnd.randrange(1 << 30)))
    meta = open(out / f"pairs.{prefix}{a.start}.tsv", "a", encoding="utf-8")
    for i, doc, pos, profile, font, size, seed in plan[a.start::a.step]:
        pid = f"{prefix}{i:05d}"
        if (out / f"{pid}.vie.txt").exists():
            continue
        lines = [l for l in doc.read_text(encoding="utf-8").split("\n") if l.strip()]
        start = int(pos * max(0, len(lines) - 30))
        text = page_lines(lines[start:start + 80], size, font)
        if len(text) < 5:
            continue
        (out / f"{pid}.src.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
        img = synth_scan.render_pages(text, size_pt=size, font=font)[0]
        arr = degrade(img, profile, random.Random(seed))
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "p.png")
            synth_scan.cv2.imwrite(png, arr)
            for lang in ("eng", "vie"):
                tesseract(png, os.path.join(tmp, lang), lang)
                for ext in ("txt", "tsv"):
                    os.replace(os.path.join(tmp, f"{lang}.{ext}"), out / f"{pid}.{lang}.{ext}")
        meta.write(f"{pid}\t{doc.relative_to(data)}\t{start}\t{profile}\t{font}\t{size}\n")
        meta.flush()


if __name__ == "__main__":
    main()
