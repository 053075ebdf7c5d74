"""Text that Tesseract's page segmentation dropped, found and read again.

With automatic segmentation (psm 3), Tesseract can drop whole lines of a page: on forms with
dotted leaders ("Nơi cư trú: ..........") it takes the lines for separators or pictures and
reads nothing there (benchmarks/scan.py: a held-out poor page lost a third of its words).
Reading every page as one block (psm 6) keeps those lines but runs the two columns of an
administrative header together, so psm 3 stays the reader and this module repairs it:

1. check, cheaply (~40 ms a page): letter-sized ink components whose centre lies outside every
   word box Tesseract returned. A page read whole has almost none (noise, a stamp: < 2 %);
2. when many are left, white out the words already read and read the rest of the page as one
   block (psm 6); lines read with confidence are put back in reading order, after the line
   of the first reading just above them.
"""
from __future__ import annotations

from dataclasses import replace

MIN_MISSED_LETTERS = 20      # uncovered letters that call for a second reading ...
MIN_MISSED_SHARE = 0.05      # ... and their share of the page's letters
MIN_LINE_CONFIDENCE = 60.0   # a line of the second reading is kept when its mean confidence is this
SECOND_PSM = 6               # the rest of the page as one block of text
FIRST_NEW_LINE = 100_000     # line numbers of recovered lines, apart from Tesseract's own


def letter_centres(gray, word_height: float):
    """(x, y) centres of the ink components of a letter's size: not dots, specks or rules."""
    import cv2
    import numpy as np

    from .preprocess import ink_components

    stats, centroids = ink_components(gray)
    h = stats[:, cv2.CC_STAT_HEIGHT]
    w = stats[:, cv2.CC_STAT_WIDTH]
    area = stats[:, cv2.CC_STAT_AREA]
    # a word box spans accents and descenders; a letter is a third to all of it
    letters = ((h >= 0.35 * word_height) & (h <= 1.3 * word_height) & (w <= 2 * word_height)
               & (area >= 0.05 * word_height ** 2))
    return centroids[letters].astype(np.int64)


def missed_letters(gray, words) -> tuple[int, int]:
    """(letters outside every word box, letters) on the page Tesseract read as `words`."""
    import numpy as np

    heights = [w.height for w in words if len(w.text) >= 3]
    if not heights:
        return 0, 0                # nothing read: a blank page, or no text to measure by
    word_height = float(np.median(heights))
    centres = letter_centres(gray, word_height)
    if not len(centres):
        return 0, 0
    covered = np.zeros(gray.shape[:2], dtype=bool)
    m = int(word_height / 2)
    for w in words:
        covered[max(0, w.top - m):w.top + w.height + m, max(0, w.left - m):w.left + w.width + m] = True
    outside = ~covered[centres[:, 1], centres[:, 0]]
    return int(outside.sum()), len(centres)


def needs_second_reading(missed: int, letters: int) -> bool:
    return missed >= MIN_MISSED_LETTERS and missed >= MIN_MISSED_SHARE * letters


def line_groups(words) -> list[list]:
    """Words in runs of one line each, in reading order."""
    groups: list[list] = []
    for w in words:
        if groups and (groups[-1][0].block, groups[-1][0].par, groups[-1][0].line) == (w.block, w.par, w.line):
            groups[-1].append(w)
        else:
            groups.append([w])
    return groups


def merge(first: list, second: list) -> list:
    """The first reading with the confident lines of the second put back in place: each after the
    first-reading line whose middle is the lowest above its own, in that line's paragraph."""
    kept = [g for g in line_groups(second)
            if sum(w.conf for w in g) / len(g) >= MIN_LINE_CONFIDENCE and any(c.isalnum() for w in g for c in w.text)]
    if not kept:
        return first
    lines = line_groups(first)
    middle = lambda g: sum(w.top + w.height / 2 for w in g) / len(g)  # noqa: E731
    middles = [middle(line) for line in lines]
    after: dict[int, list] = {}            # index of a first-reading line (-1: before all) -> new lines
    for g in sorted(kept, key=middle):
        y = middle(g)
        above = [k for k, m in enumerate(middles) if m < y]
        anchor = max(above, key=middles.__getitem__) if above else -1
        after.setdefault(anchor, []).append(g)
    out: list = []
    number = FIRST_NEW_LINE

    def put(groups, like):
        nonlocal number
        for g in groups:
            number += 1
            # the paragraph of the line above: a recovered line does not split a paragraph
            out.extend(replace(w, block=like.block if like else w.block, par=like.par if like else w.par,
                               line=number) for w in g)

    put(after.get(-1, []), lines[0][0] if lines else None)
    for k, line in enumerate(lines):
        out.extend(line)
        put(after.get(k, []), line[0])
    return out
