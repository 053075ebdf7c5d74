"""Capitals' marks: candidates for an upper-case word whose marks Tesseract `vie` misread.

On a capital the circumflex, the horn and the tone are squeezed into the line above, and
Tesseract `vie` loses or confuses them far more often than on small letters: `THÀNH PHÓ` for
THÀNH PHỐ, `GIÁM ĐÓC` for ĐỐC, `LÂM ĐÓNG` for ĐỒNG, `THẤM` for THẨM. The `vie` channel, learned
mostly on small letters, finds those readings near impossible, so the wrong word stayed. Here an
upper-case word gets as candidates every syllable with its bare letters (PHO: pho, phó, phố,
phở, phổ ...), each scored by how capitals' marks are read:

    log P(read | syllable) = sum over marked letters log P(letter read | letter)
                             + log P(tone read | tone)

from dictionaries/capitals-vie.tsv (dictionaries/build/build_capitals.py: capital words of the
training pages and corpus lines rendered in capitals, read by Tesseract `vie`). The language
model then decides: PHÓ stays in PHÓ CHỦ TỊCH and becomes PHỐ in THÀNH PHỐ.
"""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from .vietnamese import strip_marks, strip_tone

# letters that carry marks, grouped by their bare letter: what a mark can be confused with
FAMILIES = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "i": "i", "y": "y", "d": "dđ"}
TONES = 6
SMOOTH = 0.5          # add-k smoothing of the counts
# the reading as written gets this share of the prior mass before counts (most marks are read right)
PRIOR_SAME = 0.9


def mark_pairs(src: str, ocr: str) -> list[tuple[str, str]]:
    """(source letter, letter read) for each letter that carries marks, and ('tone:N',
    'tone:M'), of a lower-case source syllable and its reading; [] when the bare letters differ
    or the reading has a letter more (two tones)."""
    if strip_marks(src) != strip_marks(ocr):
        return []
    s_letters, s_tone = strip_tone(src)
    o_letters, o_tone = strip_tone(ocr)
    if len(s_letters) != len(o_letters):
        return []
    out = [(a, b) for a, b in zip(s_letters, o_letters) if strip_marks(a) in FAMILIES]
    out.append((f"tone:{s_tone}", f"tone:{o_tone}"))
    return out


class Capitals:
    """log P(read | syllable) for upper-case readings, by letters' marks and tone."""

    def __init__(self, path: Path):
        counts: Counter = Counter()
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                s, o, c = line.split("\t")
                counts[(s, o)] = int(c)
        self.logp: dict[tuple[str, str], float] = {}
        groups = [(f, list(members)) for f, members in FAMILIES.items()]
        groups.append(("tone", [f"tone:{t}" for t in range(TONES)]))
        for _f, members in groups:
            for s in members:
                total = sum(counts[(s, o)] for o in members)
                k = len(members)
                for o in members:
                    prior = PRIOR_SAME if o == s else (1 - PRIOR_SAME) / max(k - 1, 1)
                    p = (counts[(s, o)] + SMOOTH * k * prior) / (total + SMOOTH * k)
                    self.logp[(s, o)] = math.log(p)

    def score(self, syllable: str, read: str) -> float | None:
        """log P(read | syllable), both lower-case; None when the bare letters differ."""
        pairs = mark_pairs(syllable, read)
        if not pairs:
            return None
        return sum(self.logp.get(p, -20.0) for p in pairs)
