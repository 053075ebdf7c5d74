"""Fuzzing (issue 15): random bytes, random Unicode with control characters, damaged PDFs and
images, mangled plan JSON and random file names (spaces, formula signs, bytes that are not
UTF-8) through `sohoa process`, `restore`, `diff` and `targets`, in-process.

Whatever comes in: never a traceback, never exit 1 (an internal error), never a file written
outside OUTDIR, and every input byte for byte as it was. Hypothesis draws the cases from a fixed
seed (derandomize), a bounded number of them, so the test is repeatable and takes seconds.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.export.json_plan import write_plan_json
from tests.conftest import LEGACY_SAMPLE, text_pdf

LEGACY_LINES = LEGACY_SAMPLE.read_text(encoding="utf-8").split("\n")[:40]
ALLOWED = {ExitCode.OK, ExitCode.USAGE, ExitCode.INPUT_FAILED}

# Characters that break things: C0 and C1 controls, line and paragraph separators, BOM and
# non-characters, combining marks, Vietnamese letters, formula signs, quotes, markup.
NASTY = (["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
          "\ufffe", "\uffff", "\u0301", "\u0323", "\u200b", "\r", "\t", "=", "+", "-", "@", "\"", "'",
          "<", ">", "&", "|", ";", ",", "%", "/", "\\", "Đ", "ơ", "ư", "ệ", "Ð", "𝕏", "\U0010ffff"]
         + list("abcdefghijklmnopqrstuvwxyz ABC 0123456789.,:()\n"))

nasty_text = st.text(alphabet=st.sampled_from(NASTY), max_size=300)
any_unicode = st.text(max_size=300)                  # every code point but surrogates, controls too


@st.composite
def plan_text(draw) -> str:
    """Lines of a real legacy OCR plan, some of them damaged with nasty characters."""
    lines = draw(st.lists(st.sampled_from(LEGACY_LINES), min_size=1, max_size=25))
    out = []
    for line in lines:
        if draw(st.booleans()):
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(nasty_text) + line[at:]
        out.append(line)
    return "\n".join(out)


@st.composite
def file_name(draw, suffix: str) -> str:
    """A file name with spaces, formula signs, Vietnamese letters or bytes that are not UTF-8."""
    stem = draw(st.text(alphabet=st.sampled_from(list("ab xyzĐệ=+-@'\",;()[]{}#%&!~") + ["\udce9", "\udcff"]),
                        min_size=1, max_size=20))
    stem = stem.lstrip(".") or "x"                    # hidden files are skipped by design
    return stem + suffix


@st.composite
def input_file(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["plan", "unicode", "bytes", "pdf-bytes", "pdf-text", "png-bytes", "utf16"]))
    if kind == "plan":
        return draw(file_name(".txt")), draw(plan_text()).encode("utf-8")
    if kind == "unicode":
        return draw(file_name(".txt")), draw(any_unicode).encode("utf-8")
    if kind == "utf16":
        return draw(file_name(".txt")), draw(plan_text()).encode("utf-16")
    if kind == "bytes":
        return draw(file_name(draw(st.sampled_from([".txt", ".json", ".tif"])))), draw(st.binary(max_size=600))
    if kind == "pdf-bytes":
        return draw(file_name(".pdf")), b"%PDF-1.4\n" + draw(st.binary(max_size=600))
    if kind == "pdf-text":
        lines = draw(st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
                              min_size=1, max_size=8))
        return draw(file_name(".pdf")), text_pdf(["KE HOACH nam 2025 phat trien kinh te xa hoi"] + lines)
    return draw(file_name(".png")), b"\x89PNG\r\n\x1a\n" + draw(st.binary(max_size=300))


def mangled_plan(draw_text: str) -> bytes:
    """A valid plan JSON whose text fields hold the drawn text."""
    from tests.yearly_plans import T, plan
    p = plan(2025, [T(1, draw_text or "x", 5, "ha"), T(2, "Thu nhập " + draw_text, -3.5, draw_text or None)], [])
    p.title = draw_text
    buf = Path(tempfile.mkdtemp()) / "p.json"
    write_plan_json(p, buf)
    data = buf.read_bytes()
    shutil.rmtree(buf.parent)
    return data


def snapshot(root: Path, outdir: Path) -> dict[str, bytes]:
    """Every file below `root` but inside `outdir`, with its bytes."""
    found = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            if outdir not in p.parents:
                found[os.fsencode(p)] = p.read_bytes() if not p.is_symlink() else os.readlink(p).encode()
    return found


def sohoa(*args) -> tuple[int, str]:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, err.getvalue()


def check(code: int, err: str, what: str) -> None:
    assert code in ALLOWED, f"{what}: exit {code}\n{err}"
    assert "Traceback" not in err and "internal error" not in err, f"{what}:\n{err}"


@pytest.mark.slow
@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(input_file(), min_size=1, max_size=3), junk=st.lists(input_file(), max_size=2),
       plan_field=nasty_text)
def test_random_inputs_never_crash_leak_or_change_anything(files, junk, plan_field):
    root = Path(tempfile.mkdtemp(prefix="sohoa-fuzz-"))
    try:
        src, out = root / "in", root / "out"
        src.mkdir()
        given_files = []
        for i, (name, data) in enumerate(files):
            path = src / f"{i}-{name}"
            path.write_bytes(data)
            given_files.append(path)
        for i, (name, data) in enumerate(junk):       # beside them, files that are not inputs
            (src / f"junk-{i}-{name}.bak").write_bytes(data)
        (root / "plan.json").write_bytes(mangled_plan(plan_field))
        before = snapshot(root, out)

        # one file at a time (a pool per example would cost seconds), then the folder
        for path in given_files[:2]:
            check(*sohoa("process", path, "-o", out, "--jobs", "1"), f"process {path.name!r}")
        if len([f for f in given_files if f.suffix in (".txt", ".pdf", ".png", ".tif")]) <= 1:
            check(*sohoa("process", src, "-o", out, "--jobs", "1"), "process folder")
        for path in given_files:
            if path.suffix == ".txt":
                check(*sohoa("restore", path), f"restore {path.name!r}")
        check(*sohoa("targets", out, root / "plan.json", "-o", out / "targets.csv", "--excel"), "targets")
        check(*sohoa("targets", given_files[0], "--format", "jsonl"), "targets of a raw input")
        check(*sohoa("diff", root / "plan.json", given_files[-1], "-o", out / "diff.html"), "diff")
        check(*sohoa("diff", given_files[0], root / "plan.json", "--format", "csv"), "diff csv")

        assert snapshot(root, out) == before           # inputs unchanged, nothing written outside OUTDIR
        for p in out.rglob("*"):
            assert p.resolve().is_relative_to(out.resolve())
            assert not p.name.endswith(".part")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_fuzz_check_catches_a_crash(tmp_path):
    """The harness itself: an internal error (exit 1) is caught, not passed."""
    with pytest.raises(AssertionError):
        check(ExitCode.INTERNAL, "sohoa: internal error: ValueError: x", "x")
    (tmp_path / "a.txt").write_bytes(b"x")
    before = snapshot(tmp_path, tmp_path / "out")
    (tmp_path / "b.txt").write_bytes(b"y")             # a file outside OUTDIR is seen
    assert snapshot(tmp_path, tmp_path / "out") != before
