"""sohoa: scanned Vietnamese administrative plans to clean text, structured JSON and tidy DOCX.

    from pipeline import process, restore
    print(restore("Phat dong cac phong trao thi dua nam 2024").text)
    plan = process("samples/tam-tien-2024.txt", outdir="output")

Heavy modules (OpenCV, spaCy, the language model) load on first use, not on import.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["process", "process_batch", "restore", "ProcessOptions", "__version__"]

from . import restore  # noqa: E402  (light: a callable package, heavy parts load on first call)


def __getattr__(name):
    if name in ("process", "process_batch", "ProcessOptions", "process_document"):
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
