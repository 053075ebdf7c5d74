"""Corrections teach: reviewers' words (sohoa-corrections.tsv) preferred by restoration, and the
words sidecar that review works from."""
from __future__ import annotations

import gzip
import json

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.model import RawText
from pipeline.restore import restore_text
from pipeline.restore.corrections import HEADER, Correction, Corrections, context_of
from tests.conftest import LEGACY_SAMPLE


def restored(text: str, corrections=None) -> str:
    return restore_text(RawText.from_string(text), corrections=corrections).text


def test_a_corrected_token_is_preferred_in_another_context():
    # the lexicon: "cang" corrected once to "càng" in another phrase
    line = "dac biet cang kho khan cang phai thi dua"
    assert restored(line).split()[2] == "cảng"
    teach = Corrections([Correction("cang", "thi _ tot", "càng")])
    out = restored(line, teach).split()
    assert out[2] == out[5] == "càng" and out[3:5] == ["khó", "khăn"]
    # case follows the OCR word, as for every restored word
    assert restored("CANG KHO KHAN CANG PHAI", teach).split()[0] == "CÀNG"
    # the language model can still overrule the prior where the context plainly wants another word
    assert restored("kho bac nha nuoc", Corrections([Correction("kho", "rat _ de", "khô")])).split()[0] == "kho"


def test_the_same_token_beside_the_same_neighbour_is_overridden_whatever_the_context():
    line = "dic biét cang kho khan cang phai thi dua"
    plain = restored(line).split()
    assert plain[4] == "khăn" and plain[3] == "khó"
    # a correction the language model finds absurd ("khô khăn") wins beside the same neighbour
    teach = Corrections([Correction("kho", "cang _ khan", "khô")])
    assert restored(line, teach).split()[3] == "khô"


def test_a_word_the_reviewer_kept_as_read_stays_as_read():
    assert restored("ong Nguyen Van Tam").split()[3] == "Tâm"
    teach = Corrections([Correction("Tam", "Van _ ", "Tam")])
    assert restored("ong Nguyen Van Tam", teach).split()[3] == "Tam"


def test_context_column_names_the_ocr_neighbours():
    words = "thi dua véi quyét".split()
    assert context_of(words, 2) == "dua _ quyét"
    assert Corrections([Correction("véi", "dua _ quyét", "với")]).seen_beside("véi", "với", "dua", "")
    assert context_of(words, 0) == " _ dua"


def test_process_with_corrections_file(tmp_path, capsys):
    src = tmp_path / "plan.txt"
    src.write_text("Ke hoach\n\nUBND xa Tam Tién phat dong thi dua\n", encoding="utf-8")
    tsv = tmp_path / "sohoa-corrections.tsv"
    tsv.write_text(HEADER + "Tién\tTam _ ngay\tTiên\tother\tw1\n", encoding="utf-8")
    assert main(["process", str(src), "-o", str(tmp_path / "a")]) == ExitCode.OK
    assert "Tam Tiến" in (tmp_path / "a" / "plan.txt").read_text(encoding="utf-8")
    assert main(["process", str(src), "-o", str(tmp_path / "b"), "--corrections", str(tsv)]) == ExitCode.OK
    assert "Tam Tiên" in (tmp_path / "b" / "plan.txt").read_text(encoding="utf-8")
    # a changed corrections file redoes the input; an unchanged one skips it
    capsys.readouterr()
    assert main(["process", str(src), "-o", str(tmp_path / "b"), "--corrections", str(tsv)]) == ExitCode.OK
    assert "1 skipped" in capsys.readouterr().err
    tsv.write_text(HEADER, encoding="utf-8")
    assert main(["process", str(src), "-o", str(tmp_path / "b"), "--corrections", str(tsv)]) == ExitCode.OK
    assert "1 done" in capsys.readouterr().err
    assert "Tam Tiến" in (tmp_path / "b" / "plan.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("content, what", [(None, "no such corrections file"),
                                           ("véi\tonly two columns\n", "line 1 is not")])
def test_a_bad_corrections_file_is_a_usage_error(tmp_path, capsys, content, what):
    tsv = tmp_path / "c.tsv"
    if content is not None:
        tsv.write_text(content, encoding="utf-8")
    code = main(["process", str(LEGACY_SAMPLE), "-o", str(tmp_path / "out"), "--corrections", str(tsv)])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE
    assert what in err and str(tsv) in err and "Traceback" not in err


def test_the_words_sidecar_holds_the_restored_text_whole(tmp_path):
    from pipeline.export.words import read_words
    from pipeline.restore import restore_string
    assert main(["process", str(LEGACY_SAMPLE), "-o", str(tmp_path)]) == ExitCode.OK
    sidecar = tmp_path / f"{LEGACY_SAMPLE.stem}.words.json.gz"
    data = json.loads(gzip.decompress(sidecar.read_bytes()))
    assert data["schema"] == "sohoa.words/1" and data["source_file"] == str(LEGACY_SAMPLE.resolve())
    words, source, _ = read_words(sidecar)
    assert source.sha256 and source.kind == "text"
    again = restore_string(LEGACY_SAMPLE.read_text(encoding="utf-8").rstrip("\n"))
    assert [w.text for w in words.words()] == [w.text for w in again.words()]
    assert any(t.alternatives for t in words.tokens)
