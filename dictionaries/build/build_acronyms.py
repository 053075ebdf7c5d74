#!/usr/bin/env python3
"""Build dictionaries/acronyms.tsv: how upper-case abbreviations are spelled, from the corpus.

    python dictionaries/build/build_acronyms.py

Legacy OCR drops the bar of Đ, so `NĐ-CP` comes out `ND-CP` and `HĐND` as `HDND`. The corpus
(see corpus.py) says which spelling an abbreviation has: every upper-case run of 2-8 letters
inside a word or a code (split at - / . and digits) is counted, then grouped by its form without
marks. A form is kept when it has marks (Đ) and holds at least 90 % of its group and 20
occurrences: then the bare form in OCR text is restored to it. Columns: bare form, spelling,
occurrences of the spelling, occurrences of the whole group. Runs that are Vietnamese syllables
(ĐANG, ĐUA in capitalised headings) are left out: the decoder restores those in context.
acronyms-domain.txt adds the abbreviations of the genre that the corpus lacks (HĐTĐKT).
"""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

from pipeline.restore.vietnamese import is_vietnamese_shape, strip_marks  # noqa: E402

RUN = re.compile(r"(?<![^\W\d_])[A-ZĐ]{2,8}(?![^\W\d_])")
MIN_SHARE, MIN_COUNT = 0.9, 20


def main():
    counts: Counter = Counter()
    for line in corpus.corpus_lines():
        for m in RUN.finditer(line):
            counts[m.group(0)] += 1
    groups: dict[str, Counter] = defaultdict(Counter)
    for form, c in counts.items():
        groups[strip_marks(form)][form] += c
    rows = []
    for bare, forms in groups.items():
        total = sum(forms.values())
        form, c = forms.most_common(1)[0]
        # a run that is also a syllable (ĐANG, ĐUA in capitalised headings) is left to the decoder
        if form != bare and c >= MIN_COUNT and c >= MIN_SHARE * total and not is_vietnamese_shape(form):
            rows.append((bare, form, c, total))
    rows.sort()
    out = HERE.parent / "acronyms.tsv"
    with open(out, "w", encoding="utf-8") as f:
        f.write("# Upper-case abbreviations with Đ and their bare OCR form, counted in the shared\n"
                "# legal/administrative corpora; built by dictionaries/build/build_acronyms.py\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    print(f"wrote {out}: {len(rows)} abbreviations", file=sys.stderr)


if __name__ == "__main__":
    main()
