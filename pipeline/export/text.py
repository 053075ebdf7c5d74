"""The restored text, line for line as the input, UTF-8 with a final newline."""
from __future__ import annotations

from pathlib import Path

from ..model import RestoredText
from .atomic import write_text


def write_restored_text(restored: RestoredText, dest: str | Path) -> Path:
    text = restored.text
    return write_text(dest, text if text.endswith("\n") else text + "\n")
