"""The `sohoa` command, in-process (main()) and as a real subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.export.json_plan import validation_errors
from tests.conftest import BAD_INPUTS, LEGACY_SAMPLE, ROOT

SOHOA = [sys.executable, "-m", "pipeline.cli"]


def run(*args, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([*SOHOA, *map(str, args)], capture_output=True, text=True, env=env, cwd=kw.get("cwd", ROOT))


def test_process_legacy_sample_writes_three_valid_outputs(tmp_path, capsys):
    code = main(["process", str(LEGACY_SAMPLE), "-o", str(tmp_path)])
    assert code == ExitCode.OK
    stem = LEGACY_SAMPLE.stem
    outputs = [p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".json", ".txt")]  # not the batch's manifest/report
    assert sorted(outputs) == sorted(f"{stem}.{e}" for e in ("docx", "json", "txt"))
    data = json.loads((tmp_path / f"{stem}.json").read_text(encoding="utf-8"))
    assert validation_errors(data) == []
    assert data["source"]["kind"] == "text" and data["source"]["ocr"] is None
    # the .txt keeps the input's lines
    n_in = len(LEGACY_SAMPLE.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    n_out = len((tmp_path / f"{stem}.txt").read_text(encoding="utf-8").rstrip("\n").split("\n"))
    assert n_in == n_out


def test_formats_option_limits_outputs(tmp_path):
    assert main(["process", str(LEGACY_SAMPLE), "-o", str(tmp_path), "--formats", "json"]) == 0
    assert [p.suffix for p in tmp_path.iterdir() if p.suffix in (".docx", ".json", ".txt")] == [".json"]


def test_unknown_format_is_a_usage_error(tmp_path, capsys):
    assert main(["process", str(LEGACY_SAMPLE), "-o", str(tmp_path), "--formats", "json,xlsx"]) == ExitCode.USAGE
    assert "xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_each_bad_input_fails_alone_and_is_named(make_bad, tmp_path, capsys, name):
    bad = make_bad(name)
    code = main(["process", str(bad), str(LEGACY_SAMPLE), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == ExitCode.INPUT_FAILED
    assert str(bad) in err and BAD_INPUTS[name][2] not in err  # a message, not a class name
    assert "Traceback" not in err
    assert (tmp_path / "out" / f"{LEGACY_SAMPLE.stem}.json").exists()   # the good input was still written


@pytest.mark.parametrize("name", ["missing", "corrupt_png", "binary_txt"])
def test_subprocess_bad_input_exit_code_and_message(make_bad, tmp_path, name):
    bad = make_bad(name)
    r = run("process", bad, "-o", tmp_path)
    assert r.returncode == ExitCode.INPUT_FAILED
    assert str(bad) in r.stderr and "Traceback" not in r.stderr


def test_subprocess_verbose_shows_details(make_bad, tmp_path):
    r = run("process", make_bad("fake_pdf"), "-o", tmp_path, "--verbose")
    assert r.returncode == ExitCode.INPUT_FAILED and "Traceback" in r.stderr


def test_subprocess_restore_stdin_keeps_lines():
    text = "Phat dong cac phong trao thi dua nam 2024\n\nUBND xã ban hành kế hoạch\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([*SOHOA, "restore", "-"], input=text, capture_output=True, text=True, env=env)
    assert r.returncode == 0
    assert r.stdout.count("\n") == text.count("\n")
    assert r.stdout.split("\n")[2] == "UBND xã ban hành kế hoạch"


def test_restore_missing_file_is_an_input_error(tmp_path, capsys):
    assert main(["restore", str(tmp_path / "none.txt")]) == ExitCode.INPUT_FAILED
    assert "none.txt" in capsys.readouterr().err


def test_usage_errors_exit_2():
    assert run().returncode == ExitCode.USAGE
    assert run("process").returncode == ExitCode.USAGE
    assert run("frobnicate").returncode == ExitCode.USAGE


def test_help_imports_nothing_heavy():
    """`sohoa --help` must stay as fast as starting Python: no numpy, OpenCV, spaCy... at import."""
    code = ("import sys, pipeline.cli\n"
            "heavy = {'numpy', 'cv2', 'spacy', 'docx', 'PIL', 'pytesseract', 'pypdfium2', 'jsonschema', 'rapidfuzz'}\n"
            "print(sorted(heavy & set(sys.modules)))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.stdout.strip() == "[]"
    h = run("--help")
    assert h.returncode == 0 and "exit codes" in h.stdout


def test_missing_tesseract_is_exit_3_with_install_hint(tmp_path):
    """With no tesseract on PATH, an image input stops the run with exit 3 and says how to install."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=str(tmp_path))   # an empty PATH
    from tests.conftest import SCAN_SAMPLE
    r = subprocess.run([sys.executable, "-m", "pipeline.cli", "process", str(SCAN_SAMPLE), "-o", str(tmp_path)],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == ExitCode.MISSING_DEPENDENCY
    assert "apt-get install tesseract-ocr" in r.stderr and "Traceback" not in r.stderr
