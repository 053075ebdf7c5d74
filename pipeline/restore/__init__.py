"""restore: RawText -> RestoredText.

Repairs OCR'd Vietnamese in three conditions with one engine (see engine.py): legacy OCR read
with an English model, Tesseract `vie` output of a poor scan, and clean text (left unchanged).
Every token keeps its original and a confidence.

`pipeline.restore` is both this stage's package and the API function of the README
(`from pipeline import restore; restore("...")`): Python binds a subpackage to its parent's
attribute once imported, so a plain function of that name would be shadowed. The module is
therefore made callable; calling it is `restore_string`.
"""
from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the data classes load with the engine, not with `sohoa --help`
    from ..model import RawText, RestoredText

__all__ = ["restore_text", "restore_string"]


def restore_text(raw: RawText, *, style: str = "new", corrections=None) -> RestoredText:
    """Restore every line of `raw`; the result keeps its lines. `corrections` (a
    corrections.Corrections, e.g. load_corrections("OUTDIR/sohoa-corrections.tsv")) makes the
    words reviewers wrote win over the restorer's own readings."""
    from .engine import get_engine
    restored = get_engine(style).restore(raw, corrections=corrections)
    # What the source said about its layout passes through: line styles, tables (by line).
    for out, line in zip(restored.lines, raw.lines):
        out.style = line.style
    restored.tables = list(raw.tables)
    return restored


def restore_string(text: str | RawText, *, tone_style: str = "new") -> RestoredText:
    """Restore OCR'd Vietnamese text; `.text` of the result is the restored text, line for line."""
    from ..model import RawText
    raw = RawText.from_string(text) if isinstance(text, str) else text
    return restore_text(raw, style=tone_style)


class _CallableModule(types.ModuleType):
    def __call__(self, text: str | RawText, *, tone_style: str = "new") -> RestoredText:
        return restore_string(text, tone_style=tone_style)


sys.modules[__name__].__class__ = _CallableModule
