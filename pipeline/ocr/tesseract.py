"""The one place that knows how to run Tesseract, its flags and how it fails.

Tesseract runs through pytesseract as a child process, one per page: the page is handed over
as an uncompressed PGM in a temporary file (no encoding cost) and the TSV of words comes back.
A crash, a non-zero exit, a timeout or output that is not UTF-8 becomes OcrFailedError naming
the file and the page; a missing program or language becomes MissingDependencyError with an
install hint.
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
BASE_CONFIG = "-c tessedit_do_invert=0"

# Tesseract single-threaded: pages run in parallel instead (pipeline.ocr.recognise). Its OpenMP
# threads spin while they wait, so on a busy machine two of them can be 50x slower than one
# (benchmarks/scan.py --jobs). pytesseract hands Tesseract this process's environment; a value
# the user set is kept.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


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


def run(what: str, image, *, source: str | None, page: int | None, timeout: float, **kw) -> str:
    """pytesseract's `image_to_<what>` (data: the TSV of words; osd) for one page image.

    The page goes to pytesseract as the path of an uncompressed PGM: given an array it would
    encode a PNG first, and stdin costs Tesseract 0.5 s a page (it reads it byte by byte)."""
    import tempfile

    import pytesseract

    where = f"page {page}: " if page is not None else ""
    with tempfile.NamedTemporaryFile(prefix="sohoa-page-", suffix=".pgm") as tmp:
        tmp.write(pgm_bytes(image))
        tmp.flush()
        try:
            call = getattr(pytesseract, f"image_to_{what}")
            out = call(tmp.name, timeout=timeout, output_type=pytesseract.Output.BYTES, **kw)
        except pytesseract.TesseractNotFoundError:
            raise MissingDependencyError("Tesseract is not installed", hint=INSTALL_HINT) from None
        except pytesseract.TesseractError as e:
            code = e.status
            why = f"killed by signal {-code}" if isinstance(code, int) and code < 0 else f"exit status {code}"
            detail = str(e.message or "").strip()
            raise OcrFailedError(f"{where}Tesseract failed ({why}{': ' + detail[-160:] if detail else ''})",
                                 path=source, hint="check the image opens in a viewer; re-scan it if not") from None
        except RuntimeError as e:        # pytesseract's timeout: the process has been killed
            if "timeout" not in str(e).lower():
                raise
            raise OcrFailedError(f"{where}Tesseract did not finish within {timeout:.0f} s", path=source,
                                 hint="check the page is a normal scan; split very large pages") from None
        except UnicodeDecodeError:       # pytesseract decodes Tesseract's error output
            raise OcrFailedError(f"{where}Tesseract failed and wrote errors that are not UTF-8", path=source,
                                 hint="reinstall Tesseract and its language data") from None
        except OSError as e:             # no output file: Tesseract exited 0 having written nothing
            raise OcrFailedError(f"{where}Tesseract wrote no output ({e.strerror})", path=source,
                                 hint="check the Tesseract installation") from None
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise OcrFailedError(f"{where}Tesseract wrote output that is not UTF-8", path=source,
                             hint="reinstall Tesseract and its language data") from None


def read_words(image, *, lang: str = "vie", psm: int = 3, dpi: int | None = None,
               source: str | None = None, page: int | None = None,
               timeout: float = DEFAULT_TIMEOUT) -> list[OcrWord]:
    """OCR one page image (2-D uint8 numpy array) and return its words with boxes and confidences."""
    check_language(lang)
    config = f"--psm {psm} {BASE_CONFIG}"
    if dpi:
        config += f" --dpi {dpi}"
    out = run("data", image, source=source, page=page, timeout=timeout, lang=lang, config=config)
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
        parts = text.split()
        if len(parts) == 1:
            words.append(OcrWord(parts[0], conf, block, par, line, left, top, width, height))
            continue
        # each part gets its share of the word's width, by characters
        at = 0
        for part in parts:
            start = text.index(part, at)
            at = start + len(part)
            x0 = left + round(width * start / len(text))
            x1 = left + round(width * at / len(text))
            words.append(OcrWord(part, conf, block, par, line, x0, top, max(1, x1 - x0), height))
    return words


def detect_orientation(image, *, source: str | None = None, page: int | None = None,
                       timeout: float = DEFAULT_TIMEOUT) -> Orientation | None:
    """Tesseract OSD (--psm 0): how far to turn the page clockwise, or None when OSD cannot tell
    (too little text, or the osd data is not installed)."""
    if not has_osd():
        return None
    try:
        out = run("osd", image, source=source, page=page, timeout=timeout)   # --psm 0 -l osd
    except OcrFailedError:
        return None      # OSD gives up with an error on pages with too few characters
    fields = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
    try:
        rotate = int(fields["Rotate"].strip()) % 360
        conf = float(fields["Orientation confidence"].strip())
    except (KeyError, ValueError):
        return None
    return Orientation(rotate=rotate, confidence=conf)
