"""The training corpora as language-model token streams (shared by the build scripts).

Sources: ../shared/data/vlc-legal/corpus and ../shared/data/vn-legal-admin/** (laws, decrees,
provincial decisions and plans; state documents, outside copyright under Art. 15 of Vietnam's
IP law; see their SOURCE.md). Never ../shared/samples. Any *.txt added under those folders is
picked up, so the build stays general as more text arrives.
"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pipeline.restore.tokens import core_class, punct_tokens, split_line  # noqa: E402
from pipeline.restore.vietnamese import place_tone  # noqa: E402

DEFAULT_DATA = HERE.parents[2] / "shared" / "data"
CORPUS_DIRS = ["vlc-legal/corpus", "vn-legal-admin"]


def heldout_documents(data: Path = DEFAULT_DATA) -> set[str]:
    """Documents kept out of training so that benchmarks/restore.py measures on unseen text:
    the sources of the shared ocr-pairs pages 0250-0299 (see pairs.is_heldout)."""
    table = data / "ocr-pairs" / "pairs.tsv"
    out = set()
    if table.exists():
        for row in table.read_text(encoding="utf-8").splitlines()[1:]:
            pid, source = row.split("\t")[:2]
            if 250 <= int(pid) <= 299:
                out.add(f"vn-legal-admin/{source}")
    return out


def corpus_files(data: Path = DEFAULT_DATA) -> list[Path]:
    skip = heldout_documents(data)
    files: list[Path] = []
    for d in CORPUS_DIRS:
        files.extend(sorted(p for p in (data / d).rglob("*.txt")
                            if str(p.relative_to(data)) not in skip))
    return files


def line_tokens(line: str, style: str = "new") -> list[str]:
    """LM tokens of one line: words lower-cased and tone-normalised, numbers/codes as classes."""
    out: list[str] = []
    for piece in split_line(unicodedata.normalize("NFC", line)):
        out.extend(punct_tokens(piece.prefix))
        if piece.core:
            cls = core_class(piece.core)
            out.append(cls if cls else place_tone(piece.core.lower(), style))
        out.extend(punct_tokens(piece.suffix))
    return out


def corpus_lines(data: Path = DEFAULT_DATA):
    for path in corpus_files(data):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    yield line


# The genre of the documents sohoa reads (provincial and commune plans, decisions, resolutions)
# is a small part of the corpus next to the codified law; the LM and the phrase book count its
# sentences several times, so that plan vocabulary (thi đua, chi bộ, Đảng ủy, chỉ tiêu) weighs
# as it does in plans.
GENRE_FOLDERS = ("vn-legal-admin/tvpl-local", "vn-legal-admin/site-pages", "vn-legal-admin/sapxep-2025")


def genre_repeats(files: list[str], genre_weight: int) -> list[int]:
    """How many times each corpus file counts: genre_weight for the genre's folders, else 1."""
    return [genre_weight if any(f"/{g}/" in p for g in GENRE_FOLDERS) else 1 for p in files]


def tokenize_file(path: str) -> list[list[str]]:
    """The token lists of a corpus file's non-empty lines (a worker of a multiprocessing pool)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                toks = line_tokens(line)
                if toks:
                    out.append(toks)
    return out
