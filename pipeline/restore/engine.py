"""The restoration engine (first version: normalisation only).

NFC and one tone-mark placement for every syllable; the noisy-channel decoder replaces this.
"""
from __future__ import annotations

from functools import lru_cache

from ..model import RawText, RestoredLine, RestoredText, RestoredToken
from .tokens import split_line
from .vietnamese import normalise_text


class Engine:
    def __init__(self, style: str = "new"):
        self.style = style

    def restore(self, raw: RawText) -> RestoredText:
        lines = []
        for raw_line in raw.lines:
            pieces = split_line(raw_line.text)
            confs = raw_line.confidences or []
            tokens = []
            out, pos = [], 0
            for i, p in enumerate(pieces):
                new = normalise_text(p.core, self.style)
                tokens.append(RestoredToken(text=new, original=p.core, confidence=1.0 if new == p.core else 0.9,
                                            start=p.start, end=p.end,
                                            ocr_confidence=confs[i] if i < len(confs) else None))
                out.append(raw_line.text[pos:p.start])
                out.append(new)
                pos = p.end
            out.append(raw_line.text[pos:])
            lines.append(RestoredLine(text="".join(out), original=raw_line.text, tokens=tokens, page=raw_line.page))
        return RestoredText(lines=lines, condition="clean")


@lru_cache(maxsize=2)
def get_engine(style: str = "new") -> Engine:
    return Engine(style)
