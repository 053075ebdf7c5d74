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


def foreign_context(words: list[str]) -> bool:
    """True when `words` (the word's neighbours, itself left out) are mostly no syllables."""
    words = [w for w in words if w.isalpha()]
    return len(words) >= MIN_CONTEXT and syllable_share(words) < FOREIGN_SHARE


def context_words(pieces_of: dict, para: list[int], li: int, pi: int) -> list[str]:
    """The words around piece `pi` of line `li`: its line's, or its paragraph's when the line
    is short."""
    line = [p.core for k, p in enumerate(pieces_of[li]) if k != pi and p.core.isalpha()]
    if len(line) >= MIN_CONTEXT:
        return line
    return [p.core for lj in para for k, p in enumerate(pieces_of[lj])
            if (lj, k) != (li, pi) and p.core.isalpha()]


def doubt_keep(ids: np.ndarray, ch: np.ndarray, outs: list) -> np.ndarray:
    """The slot's channel scores with keeping the word as it is made as costly as a garbled word."""
    keep = [k for k, o in enumerate(outs) if o is None]
    if not keep or len(outs) < 2:
        return ch
    ch = ch.copy()
    ch[keep] = np.minimum(ch[keep], MISREAD_KEEP_LOGP)
    return ch
