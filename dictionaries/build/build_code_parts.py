#!/usr/bin/env python3
"""Build dictionaries/code_parts.txt: the letter parts of document codes (QĐ, NĐ, CP, UBND, TTg,
QH15 ...) as the training corpora write them, for the review's "unsure" model
(pipeline/restore/unsure.py): a code with a part never seen (130/2025/TI-BQP, 3509/QĐĐ-CT) is more
often an OCR misreading.

    python dictionaries/build/build_code_parts.py [--min-count 3]

Source: the corpora of corpus.py (laws, decrees, provincial documents; held-out documents left
out). A code is a token with a slash or hyphen that starts with a number (15/KH-UBND,
98/2023/NĐ-CP, 42-KH/ĐU) or an abbreviation with a hyphen (NQ-HĐND); its parts are split at
/ - . and those with a letter are counted. Parts seen at least --min-count times are kept.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import DEFAULT_DATA, corpus_files  # noqa: E402

OUT = HERE.parent / "code_parts.txt"
CODE = re.compile(r"(?<![\w/])(?:\d+[/-](?:\d+[/-])*[A-ZĐ][\wĐđ]*(?:[-/.][\wĐđ]+)*|[A-ZĐ]{2,}(?:-[A-ZĐ][\wĐđ]*)+)")
PART = re.compile(r"[-/.&]")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--min-count", type=int, default=3)
    a = ap.parse_args()
    counts: Counter = Counter()
    files = corpus_files(a.data)
    for f in files:
        text = unicodedata.normalize("NFC", f.read_text(encoding="utf-8", errors="replace"))
        for m in CODE.finditer(text):
            for part in PART.split(m.group(0)):
                if any(c.isalpha() for c in part) and len(part) <= 12:
                    counts[part] += 1
    kept = sorted(p for p, n in counts.items() if n >= a.min_count)
    header = ("# Letter parts of document codes (QĐ, NĐ-CP, UBND, QH15 ...) seen at least "
              f"{a.min_count} times in the training corpora\n"
              f"# ({len(files)} files of ../shared/data: vlc-legal, vn-legal-admin; held-out documents left out).\n"
              "# Built by dictionaries/build/build_code_parts.py; used by pipeline/restore/unsure.py.\n")
    OUT.write_text(header + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} parts -> {OUT}")


if __name__ == "__main__":
    main()
