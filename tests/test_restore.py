"""Restoration: orthography, the learned channel, the language model, the decoder, the engine."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from pipeline.model import RawLine, RawText
from pipeline.restore import restore_string, restore_text
from pipeline.restore.vietnamese import is_valid_syllable, normalise_text, place_tone, strip_marks
from tests.benchmarks_vnscore import score

PLANS = Path(__file__).resolve().parent / "data" / "plans"


# ----------------------------------------------------------------------------- orthography

@pytest.mark.parametrize("old,new", [("hoá", "hóa"), ("thuỷ", "thủy"), ("uỷ", "ủy"), ("khoẻ", "khỏe"),
                                     ("hoà", "hòa"), ("Hoà", "Hòa"), ("TUỲ", "TÙY")])
def test_tone_placement_new_style(old, new):
    assert place_tone(old, "new") == new
    assert place_tone(new, "old") == old


@pytest.mark.parametrize("word", ["hoàn", "quốc", "giữa", "người", "tuổi", "ngoài", "khuya", "thuở", "của",
                                  "mía", "quý", "gìn", "yếu", "Đảng", "UBND", "2025", "OCOP"])
def test_tone_placement_leaves_fixed_words_alone(word):
    assert place_tone(word, "new") == word


def test_normalise_text_keeps_everything_but_tone_places():
    assert normalise_text("Văn hoá - xã hội 2024, thuỷ lợi.") == "Văn hóa - xã hội 2024, thủy lợi."
    assert strip_marks("Đổi mới") == "Doi moi"


@pytest.mark.parametrize("word,ok", [("tiếp", True), ("tiềp", False), ("đượ", False), ("giếng", True),
                                     ("quỳnh", True), ("khuỷu", True), ("Đắk", True), ("usb", False),
                                     ("ấ", False), ("nghiêng", True)])
def test_valid_syllables(word, ok):
    assert is_valid_syllable(word) is ok


# ----------------------------------------------------------------------------- models

@pytest.fixture(scope="module")
def engine():
    from pipeline.restore.engine import get_engine
    return get_engine()


def test_language_model_is_normalised_and_prefers_real_text(engine):
    lm = engine.lm
    for ctx in [("tổ", "chức"), ("năm", "<num>"), ("<s>", "<s>")]:
        u = np.full(lm.V, lm.id_of(ctx[0]))
        v = np.full(lm.V, lm.id_of(ctx[1]))
        total = np.exp(lm.logp(u, v, np.arange(lm.V))).sum()
        assert total == pytest.approx(1.0, abs=2e-3)
    assert lm.sentence_logp("tổ chức thực hiện".split()) > lm.sentence_logp("tố chức thực hiện".split()) + 5


def test_channel_learned_the_legacy_confusions(engine):
    eng = engine.channels["eng"]
    def best(o):
        return {engine.lm.vocab[i] for i, _ in eng.candidates(o)[:12]}
    assert "tổ" in best("t6")
    assert "xã" in best("x4")
    assert "nước" in best("nudc")
    assert "chức" in best("chirc")
    # a capital Đ read as P (legacy OCR of headings and names)
    assert "đoàn" in {engine.lm.vocab[i] for i, _ in eng.candidates("poadn", "Poadn")}


def test_decoder_finds_the_best_path_exactly(engine):
    """Against brute force over every path of a small lattice."""
    from pipeline.restore.decoder import Weights, decode
    lm = engine.lm
    words = [["to", "tổ", "tô"], ["chuc", "chức", "chúc"], ["thuc", "thực"], ["hien", "hiện", "hiền"]]
    slot_ids = [np.array([lm.id_of(w) for w in ws]) for ws in words]
    rng = np.random.default_rng(1)
    slot_ch = [rng.uniform(-3, 0, len(ws)) for ws in words]
    framed_ids = [np.array([lm.bos])] * 2 + slot_ids + [np.array([lm.eos])]
    framed_ch = [np.zeros(1)] * 2 + slot_ch + [np.zeros(1)]
    w = Weights(lm=1.0, channel=1.0, pair_bonus=0.0)
    choice, conf = decode(lm, framed_ids, framed_ch, w)

    def total(path):
        seq = [lm.bos, lm.bos] + [slot_ids[t][k] for t, k in enumerate(path)] + [lm.eos]
        a = np.array(seq)
        return float(lm.logp(a[:-2], a[1:-1], a[2:]).sum()) + sum(slot_ch[t][k] for t, k in enumerate(path))

    best = max(itertools.product(*[range(len(ws)) for ws in words]), key=total)
    assert tuple(choice[2:-1]) == best
    assert [words[t][k] for t, k in enumerate(best)] == ["tổ", "chức", "thực", "hiện"]
    assert all(0 < p <= 1 for p in conf)


# ----------------------------------------------------------------------------- the engine

def test_clean_text_comes_out_unchanged():
    text = ("Căn cứ Nghị quyết số 12/NQ-HĐND ngày 20/12/2024 của Hội đồng nhân dân xã;\n"
            "Ủy ban nhân dân xã Phúc Lộc xây dựng kế hoạch phát triển sản xuất nông nghiệp.\n\n"
            "1. Tổng sản lượng lương thực: 3.120 tấn, trong đó thóc 2.640 tấn.")
    restored = restore_string(text)
    assert restored.text == text
    assert restored.condition == "clean"
    assert not any(t.changed for t in restored.tokens)


def test_legacy_ocr_is_restored_with_case_and_punctuation_kept():
    legacy = ("I. MUC DICH, YEU CAU\n"
              "1. T6 chirc thyc hién c6 hiéu qua ké hoach phat trién kinh t€ - x4 hoi nim 2025 cua UBND xa.")
    restored = restore_string(legacy)
    assert restored.condition == "legacy"
    lines = restored.text.split("\n")
    assert lines[0] == "I. MỤC ĐÍCH, YÊU CẦU"
    assert lines[1].startswith("1. Tổ chức thực hiện có hiệu quả kế hoạch phát triển kinh tế - xã hội năm 2025")
    assert "UBND" in lines[1]


def test_every_token_keeps_its_original_and_place():
    raw = "Phat trién nong nghiép, nudc sach"
    restored = restore_string(raw)
    for tok in restored.tokens:
        assert raw[tok.start:tok.end] == tok.original
        assert 0.0 <= tok.confidence <= 1.0
    assert [t.original for t in restored.tokens] == ["Phat", "trién", "nong", "nghiép", "nudc", "sach"]
    assert restored.text == "Phát triển nông nghiệp, nước sạch"


def test_numbering_codes_and_numbers_are_never_rewritten():
    legacy = ("14. Ty 1é bao phu thé BHYT: 99,2 %\n"
              "C- Can ct Nghi dinh s6 98/2023/ND-CP ngay 07/4/2014 cia Chinh phu\n"
              "b) Nam 2025 dat 6 x4 nong thon moi")
    out = restore_string(legacy).text.split("\n")
    assert out[0].startswith("14. Tỷ lệ bao phủ thẻ BHYT: 99,2 %")
    assert out[1].startswith("C- Căn cứ Nghị định số 98/2023/NĐ-CP ngày 07/4/2014 của Chính phủ")
    assert out[2].startswith("b) Năm 2025 đạt 6 xã nông thôn mới")


def test_lines_are_kept_one_for_one_and_context_crosses_line_breaks():
    legacy = "Tiép tuc day manh phat trién kinh té; nang cao chat\nlugng nguén nhan luc\n\n\nCong tac"
    restored = restore_string(legacy)
    assert len(restored.lines) == 5
    assert restored.lines[1].text == "lượng nguồn nhân lực"
    assert restored.lines[2].text == "" and restored.lines[4].text == "Công tác"


def test_tesseract_confidence_gives_a_doubtful_word_more_freedom(engine):
    from pipeline.restore.engine import SETTINGS
    sure = engine._word_slot("tố", "vie", SETTINGS["vie"], None, 96.0)
    doubt = engine._word_slot("tố", "vie", SETTINGS["vie"], None, 62.0)
    as_read = np.array([o is None or o == "tố" for o in sure.outs])
    assert (doubt.ch[~as_read] > sure.ch[~as_read] + 1).all()      # other readings gain
    assert (doubt.ch[as_read] < sure.ch[as_read]).all()              # the reading as written loses
    text = "Tăng cường công tác tố chức thực hiện"
    raw = RawText([RawLine(text, confidences=[96.0, 95.0, 97.0, 96.0, 62.0, 93.0, 96.0, 96.0])], ocr_lang="vie")
    restored = restore_text(raw)
    assert restored.text == "Tăng cường công tác tổ chức thực hiện"
    assert [t.ocr_confidence for t in restored.tokens][4] == 62.0


def test_tone_style_old_is_honoured():
    assert restore_string("Văn hoá, thuỷ lợi", tone_style="new").text == "Văn hóa, thủy lợi"
    assert restore_string("Văn hóa, thủy lợi", tone_style="old").text == "Văn hoá, thuỷ lợi"


@pytest.mark.parametrize("kind,floor", [("eng", 0.955), ("vie", 0.99)])
def test_genre_plans_are_restored(kind, floor):
    """The parser's commune plans (not in any training data), rendered and OCR'd: restored text
    scored against the source, with the figures of benchmarks/restore.py as a floor."""
    golds, hyps, raws = [], [], []
    for src in sorted(PLANS.glob("*.txt")):
        ocr = src.with_suffix(f".{kind}.txt")
        if src.name.count(".") != 1 or not ocr.exists():
            continue
        golds.append(src.read_text(encoding="utf-8"))
        raw = ocr.read_text(encoding="utf-8")
        raws.append(raw)
        hyps.append(restore_string(raw).text)
    assert len(golds) >= 5
    gold = "\n".join(golds)
    before, after = score(gold, "\n".join(raws))["acc"], score(gold, "\n".join(hyps))["acc"]
    assert after >= floor and after > before


def test_explain_lists_changed_words(capsys, tmp_path):
    from pipeline.cli import main
    f = tmp_path / "legacy.txt"
    f.write_text("T6 chirc thuc hién\n", encoding="utf-8")
    assert main(["restore", str(f), "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tổ chức thực hiện\n")
    assert "chirc -> chức" in out


def test_icelandic_eth_becomes_d_with_stroke_and_the_original_is_kept():
    restored = restore_text(RawText(lines=[RawLine(text="Căn cứ Đề án 348/ÐA-CP của Chính phủ", page=1)]))
    assert restored.text == "Căn cứ Đề án 348/ĐA-CP của Chính phủ"
    code = next(t for t in restored.lines[0].tokens if "348" in t.text)
    assert (code.text, code.original) == ("348/ĐA-CP", "348/ÐA-CP")


def test_a_word_in_no_written_case_gets_one():
    # Tesseract's case slips (hànH) are not kept just because the letters were right
    assert restore_string("Ủy ban nhân dân xã hànH động ngay").text == "Ủy ban nhân dân xã hành động ngay"
    assert restore_string("KẾ HOẠCH hành động").text == "KẾ HOẠCH hành động"     # UPPER and lower stay


def test_legacy_letters_read_as_symbols_are_not_kept_as_codes():
    # x& for xã: no document number is written with & or ¢, so keeping it costs what keeping
    # any garbled word costs; real codes, 25°C and R&D-like words of more letters stay
    text = ("Uy ban nhan dan xa Hung Thinh xay dung ké hoach thuc hién nhiém vu phat trién kinh té "
            "nam 2026 theo Ké hoach s6 26-KH/UBND, nhiét d6 25°C.\n"
            "Noi nhan:\n- Cac doan thé, t6 chirc CT-XH x&;\n- Luu: VT.")
    out = restore_string(text).text
    assert "- Các đoàn thể, tổ chức CT-XH xã;" in out.split("\n")
    assert "26-KH/UBND" in out and "25°C" in out


@pytest.mark.parametrize("word,cores", [
    ("déng/ngudi/nam,", ["déng", "ngudi", "nam"]),
    ("(0,75%/thang)", ["0,75%", "thang"]),
    ("tai/T6ng", ["tai", "T6ng"]),
    ("26-CT/TU", ["26-CT/TU"]), ("KH/UBND", ["KH/UBND"]), ("27/CT-TTg", ["27/CT-TTg"]),
    ("V/v", ["V/v"]), ("b/c);", ["b/c"]), ("12/2024", ["12/2024"]),
])
def test_slash_chains_of_words_are_split_and_codes_are_not(word, cores):
    from pipeline.restore.tokens import split_line
    pieces = split_line(word)
    assert [p.core for p in pieces] == cores
    assert "".join(p.prefix + p.core + p.suffix for p in pieces) == word     # nothing lost


def test_a_unit_chain_is_restored_word_by_word():
    text = ("Uy ban nhan dan xa xay dung ké hoach phat trién kinh té nam 2026 nhu sau:\n"
            "- Thu nhap binh quan dau nguoi dat 52 triéu déng/ngudi/nam.")
    assert restore_string(text).text.endswith("đạt 52 triệu đồng/người/năm.")


def test_a_capital_i_that_an_english_model_wrote_for_l_does_not_capitalise_the_word():
    """`I6p` is lớp read by an English model (I for l): the restored word is lower-case, as
    printed; a real capital stays one."""
    text = "Ty 1é tré em 6 tudi vao I6p 1 dat 100%.\nGidi thiéu quan chung tham du I6p béi dudng.\n"
    out = restore_string(text).text
    assert "vào lớp 1" in out and "tham dự lớp bồi dưỡng" in out
    assert restore_string("Lép 1 dat 100%. Ty 1é tré em vao lép 1 dat 98%.\n").text.startswith("Lớp 1")
