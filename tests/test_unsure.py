"""The calibrated "unsure" flag (pipeline/restore/unsure.py; figures from benchmarks/unsure.py)."""
from __future__ import annotations

import numpy as np

from pipeline.restore import restore_string
from pipeline.restore.quality import quality_of
from pipeline.restore.unsure import FEATURES, get_model, threshold_for, unsure_flags

CLEAN = ("Căn cứ Thông tư số 130/2025/TI-BQP và Thông tư số 127/2025/TT-BQP của Bộ Quốc phòng về công tác "
         "tuyển quân năm 2026")


def flagged(text: str) -> set[str]:
    restored = restore_string(text)
    return {w.text for w, f in zip(restored.words(), unsure_flags(restored)) if f}


def test_a_garbled_code_is_unsure_in_clean_text_and_plain_words_are_not():
    out = flagged(CLEAN)
    assert "130/2025/TI-BQP" in out                      # TI is no code's part
    assert not out & set("Căn cứ Thông tư số của Bộ Quốc phòng về công tác tuyển quân năm".split())


def test_legacy_junk_and_doubtful_words_are_unsure():
    out = flagged("Can cu Thong tu so 127/2025/TT-BQP cua Bo Quoc phong ve cong tac nam 2026 ....eeecceeeseeee")
    assert "....eeecceeeseeee" in out
    assert "Thông" not in out and "Quốc" not in out


def test_the_plan_lists_the_unsure_words_tokens_unless_checked():
    restored = restore_string(CLEAN)
    listed = [w.text for w in quality_of(restored).low_confidence]
    assert "130/2025/TI-BQP" in listed
    code = next(w for w in restored.words() if w.text == "130/2025/TI-BQP")
    assert "130/2025/TI-BQP" not in [w.text for w in quality_of(restored, checked={(code.line, code.index)}).low_confidence]


def test_the_shipped_model_matches_the_features_and_has_a_threshold_per_kind():
    model = get_model()
    assert set(model.weights) == set(model.thresholds) == {"legacy", "scan", "text"}
    assert all(len(w) == len(FEATURES) for w in model.weights.values())


def test_a_threshold_falls_between_groups_of_equal_probability():
    p = np.array([0.9, 0.5, 0.5, 0.5, 0.2, 0.1])
    wrong = np.array([1, 1, 0, 0, 0, 1], dtype=float)
    t = threshold_for(p, wrong, 0.6)              # needs the 0.5 group: all of it, and not the 0.2
    assert 0.2 < t < 0.5 and int((p >= t).sum()) == 4
    assert threshold_for(p, wrong, 1.0) < 0.1
