"""Text from engines the models never saw: per-document adaptation (pipeline/restore/adapt.py),
English-looking words (english.py) and the fallback through learned confusions (fuzzy.py)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from pipeline.model import RawText
from pipeline.restore import restore_string
from pipeline.restore.vietnamese import strip_marks
from tests.benchmarks_vnscore import tokens

PLANS = Path(__file__).resolve().parent / "data" / "plans"


@pytest.fixture(scope="module")
def engine():
    from pipeline.restore.engine import get_engine
    return get_engine()


def unreadable_as_underscore(text: str) -> str:
    """An engine without Vietnamese that writes `_` for every letter outside Latin-1 (as GNU
    Ocrad does) and reads the rest right: a habit the channel was never trained on."""
    return "".join("_" if ch.isalpha() and ord(ch) > 255 else ch for ch in text)


def right_per_gold_token(gold: str, hyp: str) -> list[bool]:
    g, h = tokens(gold), tokens(hyp)
    right = [False] * len(g)
    for block in Levenshtein.opcodes(g, h):
        if block.tag == "equal":
            for i in range(block.src_start, block.src_end):
                right[i] = True
    return right


def test_adaptation_learns_a_habit_the_document_repeats(engine):
    """The same odd misreading all over a document (`Lu_t`, `C_NG`, `ngh__p`): learned from the
    words restored with confidence, it repairs those the first decoding left wrong."""
    gold = (PLANS / "an-binh-2024.txt").read_text(encoding="utf-8")
    raw = RawText.from_string(unreadable_as_underscore(gold))
    plain = engine.restore(raw, adapt=False).text
    adapted = engine.restore(raw, adapt=True).text
    g = tokens(gold)
    marked = [i for i, t in enumerate(g) if any(ord(c) > 255 for c in t)]
    right_plain = right_per_gold_token(gold, plain)
    right_adapted = right_per_gold_token(gold, adapted)
    n_plain = sum(right_plain[i] for i in marked)
    n_adapted = sum(right_adapted[i] for i in marked)
    assert n_adapted >= n_plain + 0.10 * len(marked), (n_plain, n_adapted, len(marked))
    # words the document repeats: more of them come out right in every place
    repeated = [w for w, n in Counter(g[i] for i in marked).items() if n >= 3]
    def always_right(right):
        return {w for w in repeated if all(right[i] for i in marked if g[i] == w)}
    assert len(always_right(right_adapted) - always_right(right_plain)) >= 3
    # and what the first decoding had right stays right
    assert sum(right_adapted) > sum(right_plain)


def test_adaptation_leaves_a_short_document_alone(engine):
    raw = RawText.from_string(unreadable_as_underscore("Lu_t Ban h_nh v_n b_n"))
    assert engine.restore(raw, adapt=True).text == engine.restore(raw, adapt=False).text


LEGACY_WITH_ENGLISH = """Uy ban nhan dan xa xay dung ke hoach thuc hien nhiem vu phat trien kinh te xa hoi nam 2025.
Cac tracing hoc tren dia ban xa can to chuc tot cac hoat dong giao duc cho hoc sinh.
The teams used contact tracing and testing to stop the spread of the virus.
Giao cho cac don vi theo doi, tong hop bao cao ket qua thuc hien ve Uy ban nhan dan xa."""


def test_an_english_looking_word_of_a_vietnamese_line_is_a_misreading():
    out = restore_string(LEGACY_WITH_ENGLISH)
    assert out.condition == "legacy"
    lines = out.text.split("\n")
    assert "tracing" not in lines[1]
    assert lines[1].startswith("Các ") and "học trên địa bàn xã" in lines[1]
    # the same word in a line of English is English
    assert "contact tracing and testing" in lines[2]


def test_words_of_the_corpora_stay_foreign_words():
    out = restore_string("Cac don vi cap nhat thong tin tren Internet va gui email ve Uy ban nhan dan xa.").text
    assert "Internet" in out and "email" in out


def test_fallback_undoes_a_multi_letter_confusion(engine):
    """`ngitdi`: ư written `it` (a two-letter emission the letter model learned) and ờ as `d`;
    three edits from `nguoi`, so the plain fuzzy search cannot reach người."""
    channel = engine.channels["eng"]
    vocab = engine.lm.vocab
    key = strip_marks("ngitdi").translate(channel.lookalike)
    assert "người" not in {vocab[i] for i in channel.index.near(key)}
    assert "người" in {vocab[i] for i, _ in channel.candidates("ngitdi")[:10]}
    assert "người dân" in restore_string("Cac ngitdi dan tren dia ban xa deu tham gia").text
