"""How sure restoration is about a document: the `quality` block of the plan, and the words a
reviewer should look at against the scan.

A word is unsure when the calibrated model of unsure.py says so (README, "Review": measured on
held-out pages, the flagged words hold at least 90 % of the words that are really wrong). The
plan lists the tokens of every unsure word; words a reviewer has checked (`checked`) are not
listed again.
"""
from __future__ import annotations

from ..model import LowConfidenceWord, Quality, RestoredText
from .language import NOT_VIETNAMESE


def quality_of(restored: RestoredText, checked: set[tuple[int, int]] | None = None) -> Quality:
    from .unsure import unsure_flags
    tokens = changed = 0
    total_conf = 0.0
    for tok in restored.tokens:
        tokens += 1
        changed += tok.changed
        total_conf += tok.confidence
    low: list[LowConfidenceWord] = []
    for word, unsure in zip(restored.words(), unsure_flags(restored)):
        if not unsure or (checked and (word.line, word.index) in checked):
            continue
        for tok in word.tokens:
            low.append(LowConfidenceWord(line=word.line + 1, text=tok.text, original=tok.original,
                                         confidence=round(tok.confidence, 3)))
    return Quality(tokens=tokens, changed=changed, low_confidence=low,
                   mean_confidence=round(total_conf / tokens, 4) if tokens else None,
                   condition=restored.condition, warnings=warnings_of(restored))


def warnings_of(restored: RestoredText) -> list[str]:
    if restored.condition == NOT_VIETNAMESE:
        return ["not Vietnamese: the text was left as it is (most of its words are no Vietnamese syllable)"]
    return []
