"""The restored text, line for line as the input, UTF-8 with a final newline."""
from __future__ import annotations

from pathlib import Path

from ..model import RestoredText
from .atomic import write_text


def restored_text_file(restored: RestoredText) -> str:
    """The .txt output's content."""
    text = restored.text
    return text if text.endswith("\n") else text + "\n"


def write_restored_text(restored: RestoredText, dest: str | Path) -> Path:
    return write_text(dest, restored_text_file(restored))
