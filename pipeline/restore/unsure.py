"""Which restored words a reviewer should check: the calibrated "unsure" flag.

Restoration's posterior alone misses the words it is wrong about with confidence: document codes
the OCR garbled (130/2025/TI-BQP), dotted leaders read as letters, numbers, names. So each word
(a whitespace-separated word of the restored text, RestoredText.words()) gets a probability of
being wrong from a small logistic model over what is known of it: the posterior in bands, the
restorer's best runner-up, whether restoration changed it, Tesseract's word confidence in bands
(scans), what kind of token it is (word, number, code, junk), whether a code has a letter part
never seen in the corpora (dictionaries/code_parts.txt), whether a word is a Vietnamese syllable
and a known one, its case, and its neighbours. A word is unsure when that probability reaches the
model's threshold for the document's kind (legacy OCR; a scan read by sohoa, with Tesseract's
word confidences; Vietnamese or clean text without them).

The weights and thresholds are in dictionaries/unsure.json, fitted on held-out pages by
dictionaries/build/build_unsure.py; benchmarks/unsure.py measures the share of words flagged and
the share of real errors among them (README, "Review").
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass

import numpy as np

from ..resources import dictionaries_dir
from .tokens import CODE, NUM, core_class, split_line
from .vietnamese import is_valid_syllable, place_tone

FEATURES = (
    "bias",
    "p<0.5", "p<0.8", "p<0.9", "p<0.95", "p<0.99", "p<0.999",      # the restorer's posterior
    "alternative", "changed",
    "ocr unknown", "ocr<30", "ocr<50", "ocr<70", "ocr<85",         # Tesseract's word confidence
    "number", "code", "unknown code part", "junk", "numbering", "date",
    "not in vocabulary", "rare word", "not a syllable", "title case", "upper case",
    "neighbour unsure", "neighbour junk",
)
P_BANDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
OCR_BANDS = (30, 50, 70, 85)
RARE_LOGP = -12.0          # unigram log-probability below which a known word counts as rare
# Characters no word, number or code of a plan is written with: OCR noise.
_ODD = re.compile(r"[^\w\s/.,%:;()\-–—'’‘\"“”!?&+*=<>§°]")
_CODE_SPLIT = re.compile(r"[-/.&,;:()]")
# The numbering that opens a line (1. 1.2. II. a) b.) and dates (15/3/2026): seldom misread, and
# telling them from other numbers and codes keeps them out of the reviewer's way.
_NUMBERING = re.compile(r"^(?:\d{1,2}\.)+$|^[IVXL]{1,5}\.$|^[a-zđ][.)]$")
_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}[.,;:)]*$")


def group_of(condition: str, words=()) -> str:
    """The model a document's words are scored by: "legacy" OCR; "scan", Vietnamese OCR with
    Tesseract's word confidences (a scan sohoa read); "text", Vietnamese or clean text without."""
    if condition == "legacy":
        return "legacy"
    return "scan" if any(w.ocr_confidence is not None and w.ocr_confidence >= 0 for w in words) else "text"


def _is_junk(text: str, core: str) -> bool:
    chars = [c for c in text if not c.isspace()]
    punct = sum(not c.isalnum() for c in chars) / max(1, len(chars))
    return (punct > 0.3 and len(chars) >= 4) or len(core) > 15 or bool(_ODD.search(text))


class Features:
    """Computes FEATURES for the words of a restored text (needs the restoration LM's vocabulary)."""

    def __init__(self, lm, code_parts: set[str]):
        self.lm = lm
        self.code_parts = code_parts

    def _code_unknown(self, core: str) -> bool:
        parts = [p for p in _CODE_SPLIT.split(core) if p and any(c.isalpha() for c in p)]
        return any(p not in self.code_parts for p in parts)

    def matrix(self, words: list) -> np.ndarray:
        """One row of FEATURES per PlacedWord."""
        rows = np.zeros((len(words), len(FEATURES)))
        kinds, junk, unsure = [], [], []
        for w in words:
            cores = [p.core for p in split_line(w.text) if p.core]
            core = max(cores, key=len) if cores else w.text
            kinds.append((core, core_class(core) if core else CODE))
            junk.append(_is_junk(w.text, core))
            unsure.append(w.confidence < 0.9)
        for i, w in enumerate(words):
            core, cls = kinds[i]
            r = rows[i]
            r[0] = 1.0
            for k, t in enumerate(P_BANDS):
                r[1 + k] = w.confidence < t
            r[7] = max((t.alternatives[0][1] for t in w.tokens if t.alternatives), default=0.0)
            r[8] = w.changed
            oc = w.ocr_confidence
            if oc is None or oc < 0:
                r[9] = 1.0
            else:
                for k, t in enumerate(OCR_BANDS):
                    r[10 + k] = oc < t
            r[14] = cls == NUM
            r[15] = cls == CODE
            r[16] = cls == CODE and self._code_unknown(core)
            r[17] = junk[i]
            r[18] = w.index == 0 and bool(_NUMBERING.match(w.text))
            r[19] = bool(_DATE.match(w.text))
            if cls is None:                        # a word of letters
                word_id = self.lm.index.get(place_tone(core.lower(), "new"))
                r[20] = word_id is None
                r[21] = word_id is not None and float(self.lm.uni[word_id]) < RARE_LOGP
                r[22] = not is_valid_syllable(core)
                r[23] = len(core) > 1 and core.istitle()
                r[24] = len(core) > 1 and core.isupper()
            near = [j for j in (i - 1, i + 1) if 0 <= j < len(words) and words[j].line == w.line]
            r[25] = any(unsure[j] for j in near)
            r[26] = any(junk[j] for j in near)
        return rows


@dataclass
class UnsureModel:
    weights: dict[str, np.ndarray]          # group -> one weight per FEATURES
    thresholds: dict[str, float]            # group -> probability from which a word is unsure
    features: Features

    def probabilities(self, words: list, condition: str) -> np.ndarray:
        if not words:
            return np.zeros(0)
        z = self.features.matrix(words) @ self.weights[group_of(condition, words)]
        return 1.0 / (1.0 + np.exp(-z))

    def flags(self, words: list, condition: str) -> np.ndarray:
        return self.probabilities(words, condition) >= self.thresholds[group_of(condition, words)]


def load_code_parts(folder) -> set[str]:
    path = folder / "code_parts.txt"
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


_model: UnsureModel | None = None
_lock = threading.Lock()


def get_model() -> UnsureModel:
    """The shipped model (dictionaries/unsure.json), loaded once per process."""
    global _model
    with _lock:
        if _model is None:
            from .engine import get_engine
            folder = dictionaries_dir()
            data = json.loads((folder / "unsure.json").read_text(encoding="utf-8"))
            if tuple(data["features"]) != FEATURES:
                raise RuntimeError("dictionaries/unsure.json does not match pipeline/restore/unsure.py: "
                                   "rebuild it with dictionaries/build/build_unsure.py")
            _model = UnsureModel(weights={g: np.array(w) for g, w in data["weights"].items()},
                                 thresholds=dict(data["thresholds"]),
                                 features=Features(get_engine().lm, load_code_parts(folder)))
        return _model


def unsure_flags(restored) -> list[bool]:
    """For each word of restored.words(), whether a reviewer should check it."""
    words = list(restored.words())
    flags = get_model().flags(words, restored.condition)
    # a word without a letter or digit (a dash, a bullet) is nothing to review
    return [bool(f) and any(c.isalnum() for c in w.text) for f, w in zip(flags, words)]


def logistic_fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 40) -> np.ndarray:
    """Weights of an L2-regularised logistic regression (Newton's method; the bias, column 0,
    unpenalised). Used by the build script and the benchmark's cross-fitting."""
    w = np.zeros(X.shape[1])
    reg = np.r_[0.0, np.full(X.shape[1] - 1, l2)]
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        grad = X.T @ (p - y) + reg * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return w


def threshold_for(probabilities: np.ndarray, wrong: np.ndarray, recall: float) -> float:
    """A threshold whose flagged words (probability >= it) hold at least `recall` of the wrong
    ones: halfway between the probability that reaches it and the next lower one, so that words
    with equal probabilities (many words share every feature) are flagged or not together, and
    rounding the threshold never moves a whole group across it."""
    order = np.argsort(-probabilities, kind="stable")
    ranked = probabilities[order]
    held = np.cumsum(wrong[order]) / max(1.0, float(wrong.sum()))
    k = min(int(np.searchsorted(held, recall - 1e-12)), len(order) - 1)
    lower = ranked[k + 1:][ranked[k + 1:] < ranked[k]]
    return float((ranked[k] + lower[0]) / 2) if len(lower) else float(ranked[k]) / 2


__all__ = ["FEATURES", "Features", "UnsureModel", "get_model", "unsure_flags", "logistic_fit",
           "threshold_for", "group_of"]
