"""The one place that knows how to run Tesseract, its flags and how it fails.

Tesseract runs as a child process, one per page: the page is handed over as an uncompressed
PGM in a temporary file (no encoding cost; Tesseract reads stdin byte by byte, which costs
0.5 s a page) and the TSV of words comes back on stdout. A crash, a
non-zero exit, a timeout or output that is not UTF-8 becomes OcrFailedError naming the file
and the page; a missing program or language becomes MissingDependencyError with an install hint.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..errors import MissingDependencyError, OcrFailedError

INSTALL_HINT = "install it with `sudo apt-get install tesseract-ocr tesseract-ocr-vie`, or run `make run`"

# A page takes 1-5 s; ten minutes means Tesseract is stuck (or the machine is swapping).
DEFAULT_TIMEOUT = 600.0

# Tesseract 5 retries every low-confidence line as white-on-black text (tessedit_do_invert=1).
# Administrative scans have no inverted text, and the retry costs time on every noisy page.
BASE_CONFIG = ("-c", "tessedit_do_invert=0")


@dataclass
class OcrWord:
    text: str
    conf: float            # 0-100, Tesseract's word confidence
    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int


@dataclass
class Orientation:
    """Tesseract OSD's answer: turn the page `rotate` degrees clockwise to make it upright."""
    rotate: int
    confidence: float


def executable() -> str:
    exe = shutil.which("tesseract")
    if not exe:
        raise MissingDependencyError("Tesseract is not installed", hint=INSTALL_HINT)
    return exe


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    out = subprocess.run([executable(), "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()[:1]
    return first[0].strip() if first else "tesseract"


@lru_cache(maxsize=1)
def available_languages() -> frozenset[str]:
    out = subprocess.run([executable(), "--list-langs"], capture_output=True, text=True)
    return frozenset(l.strip() for l in out.stdout.splitlines()[1:] if l.strip())


def package_for(lang: str) -> str:
    if lang == "osd":
        return "tesseract-ocr-osd"
    if lang[:1].isupper():          # script models: Vietnamese, Latin ...
        return f"tesseract-ocr-script-{lang[:4].lower()}"
    return f"tesseract-ocr-{lang}"


def check_language(lang: str) -> None:
    """Fail early, with an install hint, when a language's traineddata is missing."""
    have = available_languages()
    for part in lang.split("+"):
        if part not in have:
            raise MissingDependencyError(
                f"Tesseract has no {part!r} language data (installed: {', '.join(sorted(have)) or 'none'})",
                hint=f"install it with `sudo apt-get install {package_for(part)}`")


def has_osd() -> bool:
    return "osd" in available_languages()


def pgm_bytes(image) -> bytes:
    """An 8-bit grayscale numpy array as a binary PGM (Leptonica reads it without decoding)."""
    h, w = image.shape[:2]
    return b"P5\n%d %d\n255\n" % (w, h) + image.tobytes()


def child_env(threads: int) -> dict[str, str]:
    # OMP_THREAD_LIMIT=1: pages run in parallel instead. Tesseract's OpenMP threads spin while
    # they wait, so on a busy machine two of them can be 50x slower than one (benchmarks/scan.py).
    return dict(os.environ, OMP_THREAD_LIMIT=str(max(1, threads)))


def run(args: list[str], image, *, source: str | None, page: int | None, timeout: float,
        threads: int = 1) -> str:
    """Run `tesseract PAGE.pgm stdout ARGS` on one page image and return its stdout."""
    import tempfile

    where = f"page {page}: " if page is not None else ""
    with tempfile.NamedTemporaryFile(prefix="sohoa-page-", suffix=".pgm") as tmp:
        tmp.write(pgm_bytes(image))
        tmp.flush()
        try:
            proc = subprocess.run([executable(), tmp.name, "stdout", *args], stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=timeout, env=child_env(threads))
        except subprocess.TimeoutExpired:
            raise OcrFailedError(f"{where}Tesseract did not finish within {timeout:.0f} s", path=source,
                                 hint="check the page is a normal scan; split very large pages") from None
        except OSError as e:
            raise OcrFailedError(f"{where}Tesseract could not be started ({e.strerror})", path=source,
                                 hint="check the Tesseract installation") from None
    if proc.returncode != 0:
        why = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit status {proc.returncode}"
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailedError(f"{where}Tesseract failed ({why}{': ' + detail[-1][:160] if detail else ''})",
                             path=source, hint="check the image opens in a viewer; re-scan it if not")
    try:
        return proc.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise OcrFailedError(f"{where}Tesseract wrote output that is not UTF-8", path=source,
                             hint="reinstall Tesseract and its language data") from None


def read_words(image, *, lang: str = "vie", psm: int = 3, dpi: int | None = None,
               source: str | None = None, page: int | None = None,
               timeout: float = DEFAULT_TIMEOUT, threads: int = 1) -> list[OcrWord]:
    """OCR one page image (2-D uint8 numpy array) and return its words with boxes and confidences."""
    check_language(lang)
    args = ["-l", lang, "--psm", str(psm), *BASE_CONFIG]
    if dpi:
        args += ["--dpi", str(dpi)]
    out = run([*args, "tsv"], image, source=source, page=page, timeout=timeout, threads=threads)
    return parse_tsv(out, source=source, page=page)


def parse_tsv(out: str, *, source: str | None = None, page: int | None = None) -> list[OcrWord]:
    """Words of Tesseract's TSV output (level 5 rows). A word holding inner whitespace is split,
    each part keeping the word's confidence, so that text and confidences stay in step."""
    words: list[OcrWord] = []
    rows = out.splitlines()
    if not rows or not rows[0].startswith("level"):
        where = f"page {page}: " if page is not None else ""
        raise OcrFailedError(f"{where}Tesseract returned no word table", path=source,
                             hint="reinstall Tesseract (its tsv config file may be missing)")
    for row in rows[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            conf = max(0.0, min(100.0, float(cols[10])))
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(c) for c in cols[6:10])
        except ValueError:
            continue
        for part in text.split():
            words.append(OcrWord(part, conf, block, par, line, left, top, width, height))
    return words


def detect_orientation(image, *, source: str | None = None, page: int | None = None,
                       timeout: float = DEFAULT_TIMEOUT) -> Orientation | None:
    """Tesseract OSD (--psm 0): how far to turn the page clockwise, or None when OSD cannot tell
    (too little text, or the osd data is not installed)."""
    if not has_osd():
        return None
    try:
        out = run(["--psm", "0"], image, source=source, page=page, timeout=timeout)
    except OcrFailedError:
        return None      # OSD gives up with an error on pages with too few characters
    fields = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
    try:
        rotate = int(fields["Rotate"].strip()) % 360
        conf = float(fields["Orientation confidence"].strip())
    except (KeyError, ValueError):
        return None
    return Orientation(rotate=rotate, confidence=conf)
