"""How sure restoration is about a document: the `quality` block of the plan, and the words a
reviewer should look at against the scan."""
from __future__ import annotations

from ..model import LowConfidenceWord, Quality, RestoredText
from .language import NOT_VIETNAMESE

# A word is flagged for review when restoration's posterior is below this, or when Tesseract
# itself was unsure of the word (OCR confidence below OCR_LOW). Measured on held-out legacy
# pages (19,786 words, 285 wrong after restoration): at 0.9, 2.2 % of words are flagged and
# they hold 63 % of the errors (at 0.6: 0.9 % flagged, 38 % of the errors).
LOW_CONFIDENCE = 0.9
OCR_LOW = 50.0


def is_low_confidence(token) -> bool:
    if not any(ch.isalpha() for ch in token.text):
        return False
    if token.confidence < LOW_CONFIDENCE:
        return True
    return token.ocr_confidence is not None and 0 <= token.ocr_confidence < OCR_LOW


def quality_of(restored: RestoredText) -> Quality:
    tokens = changed = 0
    total_conf = 0.0
    low: list[LowConfidenceWord] = []
    for number, line in enumerate(restored.lines, 1):
        for tok in line.tokens:
            tokens += 1
            changed += tok.changed
            total_conf += tok.confidence
            if is_low_confidence(tok):
                low.append(LowConfidenceWord(line=number, text=tok.text, original=tok.original,
                                             confidence=round(tok.confidence, 3)))
    return Quality(tokens=tokens, changed=changed, low_confidence=low,
                   mean_confidence=round(total_conf / tokens, 4) if tokens else None,
                   condition=restored.condition, warnings=warnings_of(restored))


def warnings_of(restored: RestoredText) -> list[str]:
    if restored.condition == NOT_VIETNAMESE:
        return ["not Vietnamese: the text was left as it is (most of its words are no Vietnamese syllable)"]
    return []
