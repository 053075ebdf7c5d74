#!/usr/bin/env python3
"""Make (source text, OCR readings) page sets for learning the OCR channel.

Renders windows of corpus text as degraded A4 scans with the project's copy of the shared
renderer (benchmarks/synth_scan.py), reads each page with Tesseract `eng` (the legacy mangling)
and `vie`, and writes for page ID:
    ID.src.txt   the exact text on the page (lines as rendered, wrapped to the page width)
    ID.eng.txt / ID.eng.tsv   Tesseract -l eng (text and word table with confidences)
    ID.vie.txt / ID.vie.tsv   Tesseract -l vie
plus pairs.tsv (id, source file, start line, profile, font, size).

Variant 3 (multi-engine, issue 10) teaches the legacy channel OCR from engines it will never
see: each page is rendered at 100-300 dpi, as a grey JPEG, a bitonal (thresholded) image or a
clean grey image, and read by several engines, written as ID.<engine>.txt:
    Tesseract `eng`, `fra`, `deu`, `spa`, `por`, `ita`, `nld` (Latin-script models that do not
    know Vietnamese), and `gocr`: two Tesseract models and gocr per training page, every one of
    them on a held-out page;
    `ocrad`: held-out pages only. No table is ever learned from ocrad, so that
    benchmarks/restore.py can show an engine the models never saw.
Held-out pages of variant 3 (pairs.is_heldout) take their text from the held-out documents
(corpus.heldout_documents), which neither the language model nor the channel saw.

Text comes from ../shared/data/vn-legal-admin and vlc-legal (state documents, no copyright);
never from ../shared/samples. Deterministic for a given --seed, resumable (existing pages are
skipped), so `make_ocr_pairs.py --pages 1500 OUT` rebuilds the same set. OUT defaults to
$SOHOA_CACHE/pairs (SOHOA_CACHE defaults to ~/.cache/sohoa).
"""
import argparse, os, random, subprocess, sys, tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "benchmarks"))
sys.path.insert(0, str(HERE))
import synth_scan  # noqa: E402
from PIL import ImageFont  # noqa: E402
from pairs import default_generated, is_heldout  # noqa: E402

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


# Variant 3: resolutions and image kinds of archive scans, the Latin-script Tesseract models and
# the classic engines. Only Latin-script fonts with full Vietnamese coverage that Debian ships
# (fonts-liberation2, fonts-dejavu-core); Liberation Sans stands for Arial, used by some offices.
synth_scan.FAMILIES.update({"liberationsans": "Liberation Sans"})
FONTS_V3 = ["liberation", "liberation", "dejavu", "liberationsans"]
DPIS_V3 = [100, 150, 150, 200, 200, 300, 300, 300]
IMAGES_V3 = ["jpeg", "bitonal", "grey"]
TESS_TRAIN = ["eng", "fra", "deu", "spa", "por", "ita", "nld"]
TRAIN_ENGINES = TESS_TRAIN + ["gocr"]
UNSEEN_ENGINES = ["ocrad"]          # never trained on: measured only
ENGINES = TRAIN_ENGINES + UNSEEN_ENGINES


def scan_v3(img, profile: str, dpi: int, image: str, rnd):
    """A rendered 300 dpi page degraded by `profile`, brought to `dpi`, stored as `image`."""
    p = dict(synth_scan.PROFILES[profile], scale=dpi / 300, jpeg=0)
    a = synth_scan.degrade(img, p, rnd)
    if image == "jpeg":
        ok, buf = synth_scan.cv2.imencode(".jpg", a, [synth_scan.cv2.IMWRITE_JPEG_QUALITY, rnd.choice([40, 60, 80])])
        a = synth_scan.cv2.imdecode(buf, synth_scan.cv2.IMREAD_GRAYSCALE)
    elif image == "bitonal":    # a fax-like scanner setting: a fixed threshold, no grey
        a = ((a >= rnd.choice([140, 170, 200])) * 255).astype(a.dtype)
    return a


def read_page(engine: str, img_path: str, dpi: int) -> str:
    """The text one engine reads on a page image (a PGM file: gocr and ocrad read PNM only)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    if engine in TESS_TRAIN:
        cmd = ["tesseract", img_path, "stdout", "-l", engine, "--dpi", str(dpi)]
    elif engine == "gocr":
        cmd = ["gocr", "-i", img_path, "-f", "UTF8"]
    elif engine == "ocrad":
        cmd = ["ocrad", "--charset=iso-8859-15", "--format=utf8", img_path]
    else:
        raise ValueError(engine)
    text = subprocess.run(cmd, check=True, env=env, capture_output=True).stdout.decode("utf-8", "replace")
    if engine == "gocr":
        # nothing where gocr cannot read a letter (it writes _; its -u option takes no empty
        # string). A text layer keeps no mark where its engine failed: OmniPage's drops the
        # letters it cannot read (hin for hiện), and the channel must learn such deletions.
        text = text.replace("_", "")
    return text


def page_engines(pid: str, rnd, only: list[str] | None = None) -> list[str]:
    """Which engines read a page: every one on a held-out page (for the benchmark's rows), two
    Tesseract models and gocr on a training page (Tesseract costs ~2 s a page, gocr a fraction)."""
    if only:
        return only
    if is_heldout(pid):
        return ENGINES
    return rnd.sample(TESS_TRAIN, 2) + ["gocr"]


def make_v3(a, data: Path, out: Path, docs: dict, weights: list) -> None:
    from corpus import heldout_documents
    held = sorted(data / d for d in heldout_documents(data) if (data / d).exists())
    rnd = random.Random(a.seed)
    plan = []
    for i in range(a.pages):
        pid = f"m{i:05d}"
        folder = rnd.choices(list(docs), weights)[0]
        doc = rnd.choice(docs[folder])
        if is_heldout(pid) and held:
            doc = held[rnd.randrange(len(held))]
        plan.append((pid, doc, rnd.random(), PROFILES[rnd.randrange(3)], rnd.choice(FONTS_V3),
                     rnd.choice(SIZES_V2), a.dpi or rnd.choice(DPIS_V3), rnd.choice(IMAGES_V3), rnd.randrange(1 << 30)))
    meta = open(out / f"pairs.m{a.start}.tsv", "a", encoding="utf-8")
    for pid, doc, pos, profile, font, size, dpi, image, seed in plan[a.start::a.step]:
        if (out / f"{pid}.src.txt").exists():
            continue
        start, text = page_window(doc, pos, size, font)
        if len(text) < 5:
            continue
        prnd = random.Random(seed)
        img = synth_scan.render_pages(text, size_pt=size, font=font)[0]
        arr = scan_v3(img, profile, dpi, image, prnd)
        engines = page_engines(pid, prnd, a.engines)
        with tempfile.TemporaryDirectory() as tmp:
            pgm = os.path.join(tmp, "p.pgm")
            synth_scan.cv2.imwrite(pgm, arr)
            for engine in engines:
                (out / f"{pid}.{engine}.txt").write_text(read_page(engine, pgm, dpi), encoding="utf-8")
        # the source last: a page is complete once its source is written (resumable)
        (out / f"{pid}.src.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
        meta.write(f"{pid}\t{doc.relative_to(data)}\t{start}\t{profile}\t{font}\t{size}\t{dpi}\t{image}\t"
                   f"{','.join(engines)}\n")
        meta.flush()


def page_window(doc: Path, pos: float, size_pt, font) -> tuple[int, list[str]]:
    """One page of `doc`'s text from relative position `pos`, wrapped as rendered, and the
    number of its first line among the document's non-empty lines."""
    lines = [l for l in doc.read_text(encoding="utf-8").split("\n") if l.strip()]
    start = int(pos * max(0, len(lines) - 30))
    return start, page_lines(lines[start:start + 80], size_pt, font)


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
    ap.add_argument("out", nargs="?", type=Path, default=None,
                    help="output folder (default $SOHOA_CACHE/pairs, SOHOA_CACHE defaulting to ~/.cache/sohoa)")
    ap.add_argument("--data", default=str(HERE.parents[2] / "shared" / "data"))
    ap.add_argument("--pages", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--start", type=int, default=0, help="first page id (to split work between processes)")
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--variant", type=int, default=1, choices=(1, 2, 3),
                    help="1: the renderer's profiles and fonts; 2: more fonts and degradations; "
                         "3: 100-300 dpi, JPEG/bitonal, read by several engines")
    ap.add_argument("--engines", type=lambda v: v.split(","), default=None,
                    help="variant 3: these engines read every page (comma-separated), e.g. fra,gocr")
    ap.add_argument("--dpi", type=int, default=None, help="variant 3: every page at this resolution")
    a = ap.parse_args()
    if a.engines and set(a.engines) - set(ENGINES):
        ap.error(f"--engines: known engines are {', '.join(ENGINES)}")
    prefix = {1: "s", 2: "t", 3: "m"}[a.variant]
    data, out = Path(a.data), a.out or default_generated()
    out.mkdir(parents=True, exist_ok=True)
    docs = {f: sorted((data / f).glob("*.txt")) for f, _ in FOLDERS}
    weights = [w for _, w in FOLDERS]
    if a.variant == 3:   # (a corpus may lack a folder: draw from those it has)
        weights = [w for (f, w) in FOLDERS if docs[f]]
        docs = {f: v for f, v in docs.items() if v}
        return make_v3(a, data, out, docs, weights)
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
        start, text = page_window(doc, pos, size, font)
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
