"""What reviewers corrected, as restoration's user lexicon: `sohoa process --corrections FILE`.

`sohoa review` appends every correction to OUTDIR/sohoa-corrections.tsv: the word as the OCR
read it, its context (the OCR words before and after it on its line), and the word the reviewer
wrote. Restoration reads that file back as two things:

- a **user lexicon with channel counts**: for an OCR token the reviewers corrected, each
  corrected word becomes a candidate (if the channel did not propose it already) whose channel
  score is set above the best the channel gave, by a strong prior (USER_PRIOR nats, scaled by how
  often reviewers chose that word for that token). The language model can still overrule it, as
  it overrules the channel, when the context plainly wants another word;
- a **context-aware override**: where the same OCR token stands beside the same OCR neighbour
  (left or right) as in a corrected place, the corrected word gets CONTEXT_BONUS more, which no
  context outweighs: the same misreading in the same phrase comes out as the reviewer wrote it.

Words are matched on their cores (edge punctuation split off by tokens.split_line), lower-cased;
the restored word takes the case of the OCR word, as every restored word does. A row whose OCR
word and correction do not split into the same number of pieces (a reviewer who joined two
words) cannot be mapped onto restoration's slots and is skipped.

The file is plain TSV (UTF-8, `#` comments, a header row), so a user may edit it: columns
ocr, context, corrected, then optional document, word, reviewer, time (who and where, for the
record). `context` is "LEFT _ RIGHT" (either side may be empty).
"""
from __future__ import annotations

import hashlib
import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .tokens import ETH_TO_D, split_line
from .vietnamese import place_tone

COLUMNS = ("ocr", "context", "corrected", "document", "word", "reviewer", "time")
HEADER = ("# sohoa corrections: one reviewed word a row (written by `sohoa review`; "
          "used by `sohoa process --corrections FILE`)\n" + "\t".join(COLUMNS) + "\n")
CONTEXT_MARK = " _ "
# Nats by which the corrected word's channel score is set above the channel's best candidate for
# the token: the reviewer's word wins unless the context is plainly against it (the LM keeps
# "kho bạc" when a reviewer once made `kho` "khô"; an ambiguous token is better taught by its
# context, below). Several corrected words for one token share it by their counts.
USER_PRIOR = 4.0
# More for the same token beside the same neighbour: the reviewer saw this very phrase.
CONTEXT_BONUS = 20.0


def core_key(word: str) -> str:
    return unicodedata.normalize("NFC", word).translate(ETH_TO_D).lower()


def cores(word: str) -> list[str]:
    """The restorable cores of one whitespace-separated word (several for a slash chain)."""
    return [p.core for p in split_line(unicodedata.normalize("NFC", word).translate(ETH_TO_D)) if p.core]


def context_of(words: list[str], index: int) -> str:
    """The context column for words[index]: its neighbours on the line, as the OCR read them."""
    left = words[index - 1] if index > 0 else ""
    right = words[index + 1] if index + 1 < len(words) else ""
    return f"{left}{CONTEXT_MARK}{right}"


@dataclass(frozen=True)
class Correction:
    ocr: str                 # the OCR's word (a whitespace-separated word, punctuation and all)
    context: str             # "LEFT _ RIGHT": the OCR words beside it on its line
    corrected: str           # what the reviewer wrote


class Corrections:
    """Reviewers' corrections, ready for the restoration engine (see the module docstring)."""

    def __init__(self, rows: list[Correction], source: str | None = None):
        self.rows = list(rows)
        self.source = source
        self._lexicon: dict[str, Counter] = defaultdict(Counter)          # OCR core -> corrected cores
        self._contexts: dict[tuple[str, str], set[str]] = defaultdict(set)   # (OCR core, corrected) -> neighbours
        for row in self.rows:
            ocr_cores, fixed_cores = cores(row.ocr), cores(row.corrected)
            if not ocr_cores or len(ocr_cores) != len(fixed_cores):
                continue
            left, _, right = row.context.partition(CONTEXT_MARK.strip())
            left_cores, right_cores = cores(left.strip()), cores(right.strip())
            for k, (o, c) in enumerate(zip(ocr_cores, fixed_cores)):
                key, word = core_key(o), place_tone(core_key(c), "new")
                self._lexicon[key][word] += 1
                # a piece's neighbours: the pieces beside it, or the neighbouring OCR words
                before = core_key(ocr_cores[k - 1]) if k > 0 else (core_key(left_cores[-1]) if left_cores else "")
                after = core_key(ocr_cores[k + 1]) if k + 1 < len(ocr_cores) else (
                    core_key(right_cores[0]) if right_cores else "")
                neighbours = self._contexts[(key, word)]
                if before:
                    neighbours.add("<" + before)
                if after:
                    neighbours.add(">" + after)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self._lexicon)

    @property
    def fingerprint(self) -> str:
        """Changes when the corrections do (so a batch redoes its inputs)."""
        h = hashlib.sha256()
        for row in self.rows:
            h.update(f"{row.ocr}\t{row.context}\t{row.corrected}\n".encode("utf-8"))
        return h.hexdigest()[:16]

    # ------------------------------------------------------------------ reading
    @classmethod
    def load(cls, path: str | Path) -> "Corrections":
        from ..errors import UsageError
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UsageError("no such corrections file", path=path,
                             hint="give the sohoa-corrections.tsv that `sohoa review` wrote in its OUTDIR") from None
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"the corrections file cannot be read ({e})", path=path,
                             hint="it must be the UTF-8 TSV that `sohoa review` writes") from None
        rows = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.split("\t")[0] == "ocr":
                continue
            cols = line.split("\t")
            if len(cols) < 3 or not cols[0].strip() or not cols[2].strip():
                raise UsageError(f"line {number} is not `ocr<TAB>context<TAB>corrected`", path=path,
                                 hint="fix or delete that line (the file is plain TSV)")
            rows.append(Correction(cols[0].strip(), cols[1], cols[2].strip()))
        return cls(rows, source=str(path))

    # ------------------------------------------------------------------ used by the engine
    def candidates(self, core: str) -> Counter:
        """Corrected words (lower case, tone-normalised) for an OCR core, with their counts."""
        return self._lexicon.get(core_key(core), Counter())

    def seen_beside(self, core: str, word: str, before: str, after: str) -> bool:
        """Whether `core` was corrected to `word` beside the same OCR neighbour (either side)."""
        neighbours = self._contexts.get((core_key(core), word))
        if not neighbours:
            return False
        return bool((before and "<" + core_key(before) in neighbours) or (after and ">" + core_key(after) in neighbours))

    def adjust(self, slot, core: str, before: str, after: str, lm):
        """The engine's word slot for `core` (neighbour cores `before`/`after` on its line, "" at
        the line's edges) with the reviewers' words added and preferred. `slot` has `ids` (LM ids),
        `ch` (channel log-probs) and `outs` (output words; None keeps the original); it is copied,
        never changed (the engine caches slots)."""
        counts = self.candidates(core)
        if not counts:
            return slot
        total = sum(counts.values())
        ids, outs = list(slot.ids), list(slot.outs)
        ch = np.array(slot.ch, dtype=np.float64)
        best = float(ch.max()) if len(ch) else 0.0
        as_read = place_tone(core_key(core), "new")
        for word, n in counts.items():
            score = best + USER_PRIOR + math.log(n / total)
            if self.seen_beside(core, word, before, after):
                score += CONTEXT_BONUS
            k = _find(ids, outs, word, as_read, lm)
            if k is None:
                ids.append(lm.id_of(word))
                outs.append(word)
                ch = np.append(ch, score)
            else:
                ch[k] = max(ch[k], score)
        return replace(slot, ids=np.array(ids), ch=ch, outs=outs)


def _find(ids, outs, word: str, as_read: str, lm) -> int | None:
    """Index of the candidate that writes `word` (the original, when the reviewer kept it)."""
    for k, out in enumerate(outs):
        if out is None and word == as_read:
            return k
        if out is not None and place_tone(str(out).lower(), "new") == word:
            return k
    return None


_cache: dict[tuple, Corrections] = {}


def load_corrections(path: str | Path | None) -> Corrections | None:
    """Corrections.load, once per file version per process (batch workers restore many files)."""
    if path is None:
        return None
    path = Path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return Corrections.load(path)          # raises the error that says what is wrong
    if key not in _cache:
        _cache.clear()
        _cache[key] = Corrections.load(path)
    return _cache[key]
