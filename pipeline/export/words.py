"""The words sidecar, OUTDIR/<name>.words.json.gz: the restored text whole (every word with its
page, box, original, confidence and the restorer's alternatives; the pages' frames) and the
plan's source, written beside the other outputs of every document.

It is what `sohoa review` works from: the page images are rendered again from the source file
(`source.path`, read only), and a reviewer's corrections are applied to these words, after which
the plan, .txt, .docx (and whatever else was written) are made again from them, without reading
the scan a second time. Gzipped JSON (about a tenth of the plain JSON: a few kB a page), named
so that tools that look for `*.json` plans in OUTDIR never take it for one.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import asdict
from pathlib import Path

from ..errors import BadPlanError
from ..model import RestoredText, Source
from .atomic import write_bytes

WORDS_SCHEMA = "sohoa.words/1"
WORDS_SUFFIX = ".words.json.gz"


def words_document(restored: RestoredText, source: Source, *, review: bool = False, pdfa: str = "2b") -> dict:
    # source.path is as the user gave it (perhaps relative to where they ran sohoa); the review
    # renders pages from the absolute path
    return {"schema": WORDS_SCHEMA, "source": asdict(source), "source_file": str(Path(source.path).resolve()),
            "docx_review": review, "pdfa": pdfa, "restored": restored.to_dict()}


def write_words(restored: RestoredText, source: Source, dest: str | Path, *, review: bool = False,
                pdfa: str = "2b") -> Path:
    """`review` and `pdfa`: the options the outputs were written with, to write them again alike."""
    data = words_document(restored, source, review=review, pdfa=pdfa)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return write_bytes(dest, gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))


def read_words(path: str | Path) -> tuple[RestoredText, Source, dict]:
    """(restored text, source, the whole document) of a words sidecar."""
    path = Path(path)
    try:
        data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadPlanError(f"is not a readable words file ({e})", path=path,
                           hint="process the document again with `sohoa process`") from None
    if not isinstance(data, dict) or data.get("schema") != WORDS_SCHEMA:
        raise BadPlanError(f"is not a {WORDS_SCHEMA} file", path=path,
                           hint="process the document again with `sohoa process`")
    src = data.get("source") or {}
    source = Source(path=src.get("path", ""), sha256=src.get("sha256", ""), kind=src.get("kind", "text"),
                    pages=src.get("pages", 0), ocr=src.get("ocr"), reading=src.get("reading") or [])
    return RestoredText.from_dict(data.get("restored") or {}), source, data
