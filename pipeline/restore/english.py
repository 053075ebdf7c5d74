"""English-looking words in legacy OCR: a misreading, not a foreign word, in a Vietnamese line.

An English OCR model (or any engine without Vietnamese) reads `trường` as `tracing`, `Thường` as
`Throng`, `tiết` as `tiled`: its dictionary pulls a mangled syllable towards a word it knows.
Such a word, kept as it is, costs the legacy channel only `keep_logp` (-9): about what a hard
misreading costs, so a wrecked syllable often stays English. Yet a Vietnamese administrative text
uses few foreign words, and those it uses are in the language model's vocabulary (every token the
corpora hold at least a few times: Internet, email, Zalo, COVID, website). So in legacy OCR an
ASCII word that is no Vietnamese syllable, not an abbreviation in capitals and not in that
vocabulary costs more to keep than any plausible reading (MISREAD_KEEP_LOGP), unless the words
around it are foreign too (a line of English quoted in the document, a name of several foreign words):
then it is kept as today.
"""
from __future__ import annotations

import numpy as np

from .language import syllable_share
from .vietnamese import is_valid_syllable

# Keeping an English-looking word of a Vietnamese line costs this (log-prob): below the channel
# score of its poorest candidates (`tracing` -> tráng scores about -20), so that some syllable
# wins; a garbled word of accented letters costs -14 (engine.SETTINGS["eng"].garbled_keep_logp).
MISREAD_KEEP_LOGP = -24.0
# The words around it are foreign when fewer than this share of them are syllables (marks
# ignored); legacy OCR of Vietnamese leaves 0.54 of a document's words syllables at the lowest
# (language.py), English text 0.11-0.21.
FOREIGN_SHARE = 0.40
# Fewer words than this on the line: its paragraph decides.
MIN_CONTEXT = 4


def looks_misread(core: str, in_vocabulary: bool) -> bool:
    """An ASCII word of letters that Vietnamese does not explain and the corpora never use."""
    return (len(core) >= 2 and core.isascii() and core.isalpha() and not core.isupper()
            and not in_vocabulary and not is_valid_syllable(core.lower()))


class Context:
    """How Vietnamese each line and paragraph of a document is, counted once per line (a long
    paragraph holds many English-looking words)."""

    def __init__(self, pieces_of: dict):
        self.pieces_of = pieces_of
        self._counts: dict[tuple, tuple[int, int]] = {}

    def _count(self, lines: tuple) -> tuple[int, int]:
        got = self._counts.get(lines)
        if got is None:
            words = [p.core for li in lines for p in self.pieces_of[li] if p.core.isalpha()]
            got = self._counts[lines] = (len(words), round(syllable_share(words) * len(words)))
        return got

    def foreign_around(self, para: list[int], li: int) -> bool:
        """True when the words around an English-looking word of line `li` (itself no syllable,
        so left out by counting one word less) are mostly no syllables: those of its line, or
        of its paragraph when the line is short."""
        n, syllables = self._count((li,))
        if n - 1 < MIN_CONTEXT:
            n, syllables = self._count(tuple(para))
        return n - 1 >= MIN_CONTEXT and syllables / (n - 1) < FOREIGN_SHARE


def doubt_keep(ids: np.ndarray, ch: np.ndarray, outs: list) -> np.ndarray:
    """The slot's channel scores with keeping the word as it is made as costly as a garbled word."""
    keep = [k for k, o in enumerate(outs) if o is None]
    if not keep or len(outs) < 2:
        return ch
    ch = ch.copy()
    ch[keep] = np.minimum(ch[keep], MISREAD_KEEP_LOGP)
    return ch
