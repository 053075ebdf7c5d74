"""Is a PDF page's text layer worth reading? A verdict per page, and which reading to use.

Scanner PDFs from the last twenty years carry text layers written by the scanner's own OCR
engine, mostly without Vietnamese (`Thoc hien Cong van s6 2114`, `Hieu tnrong`): reading such a
layer and restoring it gives 70-75 % of syllables, where Tesseract `vie` on the page image gives
more than 90. Born-digital PDFs carry the author's text, which is right; and PDFs typeset in the
old Vietnamese 8-bit fonts (TCVN3, VNI) carry a layer of symbols (`Uû ban nh©n d©n`).

The verdict looks at the layer's words only:
  vietnamese  words with letters only Vietnamese has (ă đ ơ ư ạ ấ ...) and valid syllables:
              a layer to trust;
  legacy      almost no such letter (an engine without Vietnamese, or text typed without
              marks): restorable text, but the page image, if there is one, reads better;
  junk        too few words that are words at all, or that are syllables: nothing to restore.

What is read (`--text-layer`, pipeline.api.ProcessOptions.text_layer):
  auto (default)  the layer when it is Vietnamese; the page image (rendered, read by Tesseract)
                  when the layer is legacy on a scanned page (a page drawn mostly by an image),
                  or junk on any page; a legacy layer on a born-digital page (no scan to read
                  again) is restored as text;
  use             the layer, whatever it is (then restored);
  redo            the page image, always.
Where a legacy layer and a fresh reading of the same scan both exist, the layer is kept beside
the image as a second, independent reading of each word (pipeline.ocr aligns the two).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MODES = ("auto", "use", "redo")

# Thresholds, measured on real layers (benchmarks/real.py) and on our own renderings:
# Vietnamese text has 55-65 % of its words with a letter outside Latin-1 and 90 % or more valid
# syllables (upper case, names and codes make up the rest); an English-model OCR layer of it has
# 0-2 % and 50-56 %.
VIETNAMESE_MIN_SHARE = 0.25
VIETNAMESE_MIN_VALID = 0.70
LEGACY_MAX_SHARE = 0.12
# Below these the layer is junk: most of its "words" hold symbols, or are no syllable at all.
JUNK_MAX_WORDLIKE = 0.6
JUNK_MAX_VALID = 0.3
MIN_WORDS = 8                  # fewer words than this say nothing either way

_TOKEN = re.compile(r"\S+")
_EDGES = "\"'“”‘’«»()[]{}<>,.;:!?…*-–—/•·"
_LETTERS = re.compile(r"^[^\W\d_]+$")


@dataclass(frozen=True)
class Verdict:
    kind: str                  # "vietnamese", "legacy", "junk"
    why: str


def judge(text: str) -> Verdict:
    """The verdict on a text layer's text."""
    from ..restore.engine import VIETNAMESE_ONLY
    from ..restore.vietnamese import is_valid_syllable

    tokens = [t.strip(_EDGES) for t in _TOKEN.findall(text)]
    tokens = [t for t in tokens if t and not any(c.isdigit() for c in t)]
    words = [t for t in tokens if _LETTERS.match(t)]
    if len(tokens) < MIN_WORDS:
        return Verdict("legacy", f"the text layer has only {len(tokens)} words")
    wordlike = len(words) / len(tokens)
    share = sum(1 for w in words if VIETNAMESE_ONLY & set(w.lower())) / max(1, len(words))
    valid = sum(1 for w in words if is_valid_syllable(w.lower())) / max(1, len(words))
    figures = f"{share:.0%} of words with Vietnamese letters, {valid:.0%} valid syllables"
    if wordlike < JUNK_MAX_WORDLIKE or valid < JUNK_MAX_VALID:
        return Verdict("junk", f"the text layer is not text ({wordlike:.0%} of its words are words, "
                               f"{valid:.0%} valid syllables: an 8-bit font or a broken encoding)")
    if share >= VIETNAMESE_MIN_SHARE and valid >= VIETNAMESE_MIN_VALID:
        return Verdict("vietnamese", f"the text layer is Vietnamese ({figures})")
    if share < LEGACY_MAX_SHARE:
        return Verdict("legacy", f"the text layer is old OCR without Vietnamese ({figures})")
    return Verdict("legacy", f"the text layer is doubtful Vietnamese ({figures})")


def choose(verdict: Verdict | None, mode: str, scanned: bool) -> tuple[str, str]:
    """("layer" or "ocr", why) for a page: its layer's verdict (None: no layer), the
    --text-layer mode, and whether the page is a scan (drawn mostly by an image)."""
    if verdict is None:
        return "ocr", "no text layer"
    if mode == "use":
        return "layer", f"--text-layer use: {verdict.why}"
    if mode == "redo":
        return "ocr", f"--text-layer redo: {verdict.why}"
    if verdict.kind == "vietnamese":
        return "layer", verdict.why
    if verdict.kind == "junk":
        return "ocr", verdict.why + "; the page was read again"
    if scanned:
        return "ocr", verdict.why + "; the scan was read again"
    return "layer", verdict.why + "; no scan to read again, restored as text"
