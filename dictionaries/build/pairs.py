"""Aligned (source syllable, OCR token) pairs from page sets, for learning the channel.

A page is ID.src.txt (what was printed) and its readings ID.<engine>.txt: ID.eng.txt and
ID.vie.txt (Tesseract's English and Vietnamese models) on the shared pages and variants 1-2 of
make_ocr_pairs.py; on variant-3 pages (prefix m) several engines (LEGACY_ENGINES, and ocrad,
which is never trained on). Sources: ../shared/data/ocr-pairs (300 pages) and the pages made by
make_ocr_pairs.py. Tokens are aligned on their bare-letter forms (Levenshtein over token
sequences); a run of replaced tokens of equal length on both sides is paired in order.

The legacy channel (kind `eng`) is learned from every engine that does not know Vietnamese:
Tesseract `eng` and the other Latin-script models, and gocr. An old text layer comes from an
engine we cannot name, so the channel must not be one engine's habits.

Held-out pages (never trained on, used by benchmarks/restore.py): shared pages 0250-0299,
variant-1 generated pages whose number is a multiple of 10, and one variant-2 or variant-3 page
in ten (chosen by a hash of its id, so that every profile and font is represented).
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.restore.tokens import split_line  # noqa: E402
from pipeline.restore.vietnamese import place_tone, strip_marks  # noqa: E402

SHARED_PAIRS = HERE.parents[2] / "shared" / "data" / "ocr-pairs"
# Readings each channel is learned from. ocrad is in no list: benchmarks/restore.py shows with it
# how restoration does on an engine it never saw.
LEGACY_ENGINES = ("eng", "fra", "deu", "spa", "por", "ita", "nld", "gocr")
READINGS = {"eng": LEGACY_ENGINES, "vie": ("vie",)}


def default_generated() -> Path:
    """Where make_ocr_pairs.py writes its pages: $SOHOA_CACHE/pairs (~/.cache/sohoa/pairs)."""
    cache = os.environ.get("SOHOA_CACHE") or Path.home() / ".cache" / "sohoa"
    return Path(cache) / "pairs"


def is_heldout(page_id: str) -> bool:
    num = int(re.sub(r"\D", "", page_id))
    if page_id.startswith("s"):
        return num % 10 == 0
    if page_id[:1] in ("t", "m"):   # variant-2 pages cycle profiles by number: pick by hash instead
        return hashlib.blake2b(page_id.encode(), digest_size=2).digest()[0] % 10 == 0
    return 250 <= num <= 299


def generated_sources(d: Path) -> dict[str, str]:
    """page id -> source document, from the pairs*.tsv tables of make_ocr_pairs.py."""
    out = {}
    for table in d.glob("pairs*.tsv"):
        for row in table.read_text(encoding="utf-8").splitlines():
            parts = row.split("\t")
            if len(parts) >= 2:
                out[parts[0]] = parts[1]
    return out


def page_ids(dirs: list[Path], heldout: bool | None = False,
             engines: tuple[str, ...] = ("eng", "vie")) -> list[tuple[Path, str]]:
    """(folder, id) of every page read by all of `engines`; heldout=None for all pages.
    Training pages never come from a held-out document (corpus.heldout_documents)."""
    from corpus import heldout_documents
    skip_docs = heldout_documents()
    out = []
    for d in dirs:
        sources = generated_sources(d)
        for src in sorted(d.glob("*.src.txt")):
            pid = src.name.split(".")[0]
            if not all((d / f"{pid}.{e}.txt").exists() for e in engines):
                continue
            if heldout is False and sources.get(pid) in skip_docs:
                continue
            if heldout is None or is_heldout(pid) == heldout:
                out.append((d, pid))
    return out


def cores(text: str) -> list[str]:
    return [p.core for line in text.split("\n") for p in split_line(line) if p.core]


def ocr_key(tok: str) -> str:
    return strip_marks(tok.lower())


def align_tokens(src: list[str], ocr: list[str]):
    """Yield (source token, OCR token) pairs."""
    sk = [ocr_key(t) for t in src]
    ok = [ocr_key(t) for t in ocr]
    for op in Levenshtein.opcodes(sk, ok):
        ns, no = op.src_end - op.src_start, op.dest_end - op.dest_start
        if op.tag == "equal" or (op.tag == "replace" and ns == no):
            for i in range(ns):
                yield src[op.src_start + i], ocr[op.dest_start + i]


def readings(dirs: list[Path], kind: str, heldout: bool | None = False, engines=None):
    """(source cores, OCR cores) of every reading a channel kind learns from (READINGS, or the
    `engines` given), page by page; an engine name outside READINGS (ocrad) gives that engine's
    readings alone."""
    for engine in engines or READINGS.get(kind, (kind,)):
        for d, pid in page_ids(dirs, heldout, engines=(engine,)):
            yield (cores((d / f"{pid}.src.txt").read_text(encoding="utf-8")),
                   cores((d / f"{pid}.{engine}.txt").read_text(encoding="utf-8")))


def syllable_pairs(dirs: list[Path], kind: str, heldout: bool | None = False, engines=None):
    """(source word lower-cased and tone-normalised, OCR token lower-cased) for word tokens."""
    for src, ocr in readings(dirs, kind, heldout, engines):
        for s, o in align_tokens(src, ocr):
            if s.isalpha():
                yield place_tone(s.lower()), place_tone(o.lower())


def initial_pairs(dirs: list[Path], kind: str, engines=None):
    """(capital first letter of a source word, first character the OCR read for it)."""
    for src, ocr in readings(dirs, kind, False, engines):
        for s, o in align_tokens(src, ocr):
            if s.isalpha() and s[0].isupper() and o:
                yield s[0], o[0]


def confidence_pairs(dirs: list[Path], kind: str = "vie"):
    """(Tesseract word confidence, was the word read right) for words of generated pages, whose
    ID.<kind>.tsv keeps Tesseract's word table."""
    import csv
    for d, pid in page_ids(dirs, False, engines=(kind,)):
        tsv = d / f"{pid}.{kind}.tsv"
        if not tsv.exists():
            continue
        ocr, confs = [], []
        with open(tsv, encoding="utf-8") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) < 12 or row[0] == "level" or not row[11].strip():
                    continue
                for word in row[11].split():
                    for piece in split_line(word):
                        if piece.core:
                            ocr.append(piece.core)
                            confs.append(float(row[10]))
        src = cores((d / f"{pid}.src.txt").read_text(encoding="utf-8"))
        sk, ok = [ocr_key(t) for t in src], [ocr_key(t) for t in ocr]
        for op in Levenshtein.opcodes(sk, ok):
            n = op.src_end - op.src_start
            if op.tag == "equal" or (op.tag == "replace" and n == op.dest_end - op.dest_start):
                for i in range(n):
                    s, o = src[op.src_start + i], ocr[op.dest_start + i]
                    if s.isalpha():
                        yield confs[op.dest_start + i], place_tone(s.lower()) == place_tone(o.lower())
