"""The one place that knows how to run Tesseract (through pytesseract) and how it fails."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..errors import MissingDependencyError, OcrFailedError

INSTALL_HINT = "install it with `sudo apt-get install tesseract-ocr tesseract-ocr-vie`, or run `make run`"


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


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    exe = shutil.which("tesseract")
    if not exe:
        raise MissingDependencyError("Tesseract is not installed", hint=INSTALL_HINT)
    out = subprocess.run([exe, "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()[:1]
    return first[0].strip() if first else "tesseract"


@lru_cache(maxsize=1)
def available_languages() -> frozenset[str]:
    tesseract_version()
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return frozenset(l.strip() for l in out.stdout.splitlines()[1:] if l.strip())


def check_language(lang: str) -> None:
    """Fail early, with an install hint, when a language's traineddata is missing."""
    have = available_languages()
    for part in lang.split("+"):
        if part not in have:
            pkg = "tesseract-ocr-script-viet" if part == "Vietnamese" else f"tesseract-ocr-{part}"
            raise MissingDependencyError(
                f"Tesseract has no {part!r} language data (installed: {', '.join(sorted(have)) or 'none'})",
                hint=f"install it with `sudo apt-get install {pkg}`")


def read_words(image, *, lang: str = "vie", psm: int = 3, dpi: int | None = None,
               source: str | None = None) -> list[OcrWord]:
    """OCR one page image (numpy array) and return its words with boxes and confidences.

    Runs single-threaded (OMP_THREAD_LIMIT=1): pages are parallelised by process instead,
    which is faster on a multi-core machine than Tesseract's own threads.
    """
    import pytesseract

    check_language(lang)
    config = f"--psm {psm}"
    if dpi:
        config += f" --dpi {dpi}"
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(image, lang=lang, config=config,
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise MissingDependencyError("Tesseract is not installed", hint=INSTALL_HINT) from None
    except (pytesseract.TesseractError, RuntimeError, UnicodeDecodeError, OSError) as e:
        raise OcrFailedError(f"Tesseract failed on this page ({str(e).strip()[:200]})", path=source,
                             hint="check the image opens in a viewer; re-scan it if not") from None
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if not text:
            continue
        words.append(OcrWord(text=text, conf=float(data["conf"][i]), block=int(data["block_num"][i]),
                             par=int(data["par_num"][i]), line=int(data["line_num"][i]),
                             left=int(data["left"][i]), top=int(data["top"][i]),
                             width=int(data["width"][i]), height=int(data["height"][i])))
    return words
