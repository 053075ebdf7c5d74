"""Is a document Vietnamese at all? Restoration must not "restore" an English (or French, or any
other) document into Vietnamese: `CITY` -> `CỬU`, `OF` -> `ON`.

The test is the share of its words that are Vietnamese syllables once stripped of their marks
(`chirc` is not, `nudc` is not, `phong`, `trao`, `the` are). Even legacy OCR, which wrecks the
marks and many letters, leaves most words syllable-shaped; other languages' words mostly are not
(consonant clusters, final letters Vietnamese does not end on). Measured with
`pipeline.restore.language.syllable_share` on the shared OCR pairs (300 documents each, at least
20 words) and on English texts (the licences in /usr/share/common-licenses, Debian READMEs):

    Vietnamese, legacy OCR (Tesseract eng)   lowest 0.54, 1st percentile 0.57, median 0.68
    Vietnamese, Tesseract vie / clean text   lowest 0.90, median 0.996
    English                                  0.11-0.21

A document is taken for Vietnamese unless it has at least MIN_WORDS words and fewer than
MIN_SYLLABLE_SHARE of them are syllables; a short text (a heading, a line given to `sohoa
restore`) is always restored.
"""
from __future__ import annotations

NOT_VIETNAMESE = "not-vietnamese"     # the condition of RestoredText and of the plan's quality
MIN_WORDS = 20
MIN_SYLLABLE_SHARE = 0.40


def syllable_share(words: list[str]) -> float:
    """Share of `words` (letters only) that are Vietnamese syllables, marks ignored."""
    from .vietnamese import is_valid_syllable, strip_marks

    if not words:
        return 1.0
    hits = sum(1 for w in words if is_valid_syllable(w.lower()) or is_valid_syllable(strip_marks(w.lower())))
    return hits / len(words)


def is_vietnamese_document(words: list[str]) -> bool:
    """False only for a document of at least MIN_WORDS words, most of which no Vietnamese
    syllable explains (module docstring)."""
    return len(words) < MIN_WORDS or syllable_share(words) >= MIN_SYLLABLE_SHARE
