"""Batch runs: folders, bad inputs, the manifest (skip, redo, resume), output names, reports, workers."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.api import ProcessOptions
from pipeline.batch import MANIFEST_NAME, run_batch, share_jobs
from pipeline.batch.inputs import allot_names, expand_inputs
from pipeline.batch.progress import Progress
from pipeline.batch.runner import Task, run_tasks
from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.export.json_plan import read_plan_json, validation_errors
from tests.conftest import LEGACY_SAMPLE, ROOT, corrupt_png, text_pdf

LEGACY = LEGACY_SAMPLE.read_bytes()


def good_folder(root: Path) -> dict[str, Path]:
    """Good inputs of three kinds, two of them with the same name in different folders."""
    files = {
        "a/plan.txt": LEGACY,
        "b/plan.txt": LEGACY.replace(b"2024", b"2025"),
        "b/deep/notes.txt": "Kế hoạch năm 2025\n\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n".encode(),
        "layer.pdf": text_pdf(["KE HOACH nam 2025", "I. MUC DICH, YEU CAU", "1. Muc dich"]),
    }
    out = {}
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        out[rel] = p
    return out


def add_bad(root: Path) -> dict[str, Path]:
    bad = {"broken.png": corrupt_png(), "empty.txt": b"", "fake.pdf": b"plain text pretending to be a PDF\n"}
    out = {}
    for name, data in bad.items():
        (root / "bad").mkdir(parents=True, exist_ok=True)
        out[name] = root / "bad" / name
        out[name].write_bytes(data)
    return out


def manifest_rows(outdir: Path) -> dict[str, dict]:
    db = sqlite3.connect(outdir / MANIFEST_NAME)
    db.row_factory = sqlite3.Row
    rows = {r["key"]: dict(r) for r in db.execute("SELECT * FROM inputs")}
    db.close()
    return rows


def read_report(outdir: Path) -> dict[str, dict]:
    with open(outdir / "report.csv", encoding="utf-8", newline="") as f:
        return {row["input"]: row for row in csv.DictReader(f)}


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text = []
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_folder_with_bad_inputs_names_each_and_writes_every_good_plan(tmp_path, capsys):
    src = tmp_path / "in"
    good = good_folder(src)
    bad = add_bad(src)
    out = tmp_path / "out"
    code = main(["process", str(src), "-o", str(out), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == ExitCode.INPUT_FAILED
    for path in bad.values():
        assert str(path) in err
    assert "Traceback" not in err
    # every good input has its plan, in a folder that mirrors the input's
    for rel in good:
        plan_file = out / Path(rel).with_suffix(".json")
        data = json.loads(plan_file.read_text(encoding="utf-8"))
        assert validation_errors(data) == []
        assert Path(data["source"]["path"]) == good[rel]
        assert (out / Path(rel).with_suffix(".docx")).is_file() and (out / Path(rel).with_suffix(".txt")).is_file()
    # the two plan.txt did not overwrite each other
    assert read_plan_json(out / "a" / "plan.json").title != read_plan_json(out / "b" / "plan.json").title or \
        (out / "a" / "plan.txt").read_text(encoding="utf-8") != (out / "b" / "plan.txt").read_text(encoding="utf-8")
    # summary and reports
    assert "4 done" in err and "3 failed" in err
    report = read_report(out)
    assert set(report) == {str(p) for p in list(good.values()) + list(bad.values())}
    for path in bad.values():
        assert report[str(path)]["status"] == "failed" and report[str(path)]["error"]
    for path in good.values():
        row = report[str(path)]
        assert row["status"] == "done" and int(row["pages"]) >= 1 and row["targets"] != ""
        assert 0 <= float(row["mean_confidence"]) <= 1 and int(row["low_confidence"]) >= 0
    page = _Html()
    page.feed((out / "report.html").read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert "table" in page.tags and all(str(p) in text for p in list(good.values()) + list(bad.values()))
    # the manifest
    rows = manifest_rows(out)
    assert {r["status"] for k, r in rows.items() if Path(k).name in ("broken.png", "empty.txt", "fake.pdf")} == {"failed"}
    assert all(r["status"] == "done" and len(r["sha256"]) == 64 and json.loads(r["outputs"])
               for k, r in rows.items() if Path(k) in {p.resolve() for p in good.values()})

    # a rerun skips the good inputs and tries the bad ones again
    assert main(["process", str(src), "-o", str(out), "--jobs", "2"]) == ExitCode.INPUT_FAILED
    err = capsys.readouterr().err
    assert "0 done, 4 skipped (unchanged), 3 failed" in err and all(str(p) in err for p in bad.values())


def test_rerun_skips_unchanged_and_redoes_changed_deleted_or_forced(tmp_path, capsys):
    src = tmp_path / "in"
    good = good_folder(src)
    out = tmp_path / "out"
    assert main(["process", str(src), "-o", str(out)]) == ExitCode.OK
    capsys.readouterr()
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}

    assert main(["process", str(src), "-o", str(out)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "4 skipped" in err and "0 done" in err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == stamps
    assert {r["status"] for r in read_report(out).values()} == {"skipped"}

    # content changed, an output deleted by hand: those two are redone, the others skipped
    good["a/plan.txt"].write_bytes(LEGACY.replace(b"2024", b"2026"))
    (out / "b" / "deep" / "notes.docx").unlink()
    assert main(["process", str(src), "-o", str(out)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "2 done" in err and "2 skipped" in err
    report = read_report(out)
    assert report[str(good["a/plan.txt"])]["status"] == "done"
    assert report[str(good["b/deep/notes.txt"])]["status"] == "done"
    assert (out / "b" / "deep" / "notes.docx").is_file()
    assert "2026" in (out / "a" / "plan.txt").read_text(encoding="utf-8")

    # other options shape the outputs: redone; --force redoes everything
    assert main(["process", str(src), "-o", str(out), "--tone-style", "old"]) == ExitCode.OK
    assert "4 done" in capsys.readouterr().err
    assert main(["process", str(src), "-o", str(out), "--tone-style", "old", "--force"]) == ExitCode.OK
    assert "4 done" in capsys.readouterr().err


def test_output_names_never_collide_and_stay_put(tmp_path):
    x, y = tmp_path / "x", tmp_path / "y"
    for d in (x, y):
        d.mkdir()
        (d / "plan.txt").write_bytes(LEGACY)
    (x / "plan.pdf").write_bytes(text_pdf(["KE HOACH"]))
    given = [x / "plan.txt", y / "plan.txt", x / "plan.pdf"]
    inputs = expand_inputs(given)
    names = allot_names(inputs, {})
    assert [names[i.key] for i in inputs] == ["plan", "plan-txt", "plan-pdf"]
    # a name once given is kept, whatever comes first next time
    taken = {name: key for key, name in names.items()}
    again = allot_names(expand_inputs(list(reversed(given))), dict(taken))
    assert again == names
    # through the CLI: three inputs, three sets of outputs
    out = tmp_path / "out"
    assert main(["process", *map(str, given), "-o", str(out), "--formats", "json"]) == ExitCode.OK
    assert sorted(p.name for p in out.glob("*.json")) == ["plan-pdf.json", "plan-txt.json", "plan.json"]
    assert read_plan_json(out / "plan-pdf.json").source.kind == "pdf"


def test_outputs_inside_the_input_folder_are_not_taken_as_inputs(tmp_path, capsys):
    src = tmp_path / "in"
    good_folder(src)
    out = src / "out"
    assert main(["process", str(src), "-o", str(out), "--formats", "txt"]) == ExitCode.OK
    assert main(["process", str(src), "-o", str(out), "--formats", "txt"]) == ExitCode.OK
    assert "4 input(s): 0 done, 4 skipped" in capsys.readouterr().err
    assert len(read_report(out)) == 4 and not (out / "out").exists()


def test_a_text_input_inside_outdir_is_never_overwritten_by_its_output(tmp_path, monkeypatch, capsys):
    """Issue 15, defect 1: `sohoa process d/plan.txt -o d` replaced the user's OCR text with the
    restored text. Its outputs are now named apart and the input stays byte for byte."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "plan.txt").write_bytes(LEGACY)
    assert main(["process", str(d / "plan.txt"), "-o", str(d)]) == ExitCode.OK
    assert (d / "plan.txt").read_bytes() == LEGACY
    restored = (d / "plan-txt.txt").read_text(encoding="utf-8")
    assert restored != LEGACY.decode("utf-8") and "Kế hoạch" in restored
    assert read_plan_json(d / "plan-txt.json").source.path.endswith("plan.txt")
    # rerun: the same name, nothing redone, the input still untouched
    assert main(["process", str(d / "plan.txt"), "-o", str(d)]) == ExitCode.OK
    assert "1 skipped" in capsys.readouterr().err
    assert (d / "plan.txt").read_bytes() == LEGACY and not (d / "plan-txt-txt.txt").exists()

    # `cd archive && sohoa process *.txt -o .`: every input kept, every output beside it
    archive = tmp_path / "archive"
    archive.mkdir()
    originals = {"a.txt": LEGACY, "b.txt": LEGACY.replace(b"2024", b"2025")}
    for name, data in originals.items():
        (archive / name).write_bytes(data)
    monkeypatch.chdir(archive)
    assert main(["process", "a.txt", "b.txt", "-o", ".", "--formats", "txt,json"]) == ExitCode.OK
    for name, data in originals.items():
        assert (archive / name).read_bytes() == data
    assert (archive / "a-txt.txt").exists() and (archive / "b-txt.json").exists()


def test_the_api_refuses_to_write_an_output_over_its_input(tmp_path):
    from pipeline.api import process
    from pipeline.errors import OutputError

    (tmp_path / "plan.txt").write_bytes(LEGACY)
    with pytest.raises(OutputError, match="would overwrite the input"):
        process(tmp_path / "plan.txt", outdir=tmp_path, formats=("txt",))
    assert (tmp_path / "plan.txt").read_bytes() == LEGACY


def test_a_kept_name_that_would_now_overwrite_an_input_is_renamed(tmp_path):
    """The manifest gave `notes` to notes.pdf; later notes.txt, itself an input, sits where the
    .txt output of `notes` would go: notes.pdf gets another name rather than overwrite it."""
    (tmp_path / "notes.pdf").write_bytes(text_pdf(["KE HOACH"]))
    (tmp_path / "notes.txt").write_bytes(LEGACY)
    inputs = expand_inputs([tmp_path / "notes.pdf", tmp_path / "notes.txt"])
    taken = {"notes": inputs[0].key}
    names = allot_names(inputs, taken, tmp_path)
    assert names[inputs[0].key] != "notes" and names[inputs[1].key] != "notes"
    assert len(set(names.values())) == 2


def test_share_jobs_between_files_and_pages():
    assert share_jobs(2, 10) == (2, 1)       # many files: one page at a time in each
    assert share_jobs(4, 1) == (1, 4)        # one multi-page file: its pages in parallel
    assert share_jobs(8, 3) == (3, 2)
    assert share_jobs(1, 5) == (1, 1)
    assert share_jobs(None, 0) == (1, 1)


def test_progress_is_plain_lines_off_a_terminal_and_a_bar_on_one():
    plain = io.StringIO()
    p = Progress(2, stream=plain)
    p.finished({"status": "done", "path": "a.txt", "name": "a", "outputs": {"json": "a.json"}, "seconds": 0.1})
    p.finished({"status": "failed", "path": "b.png", "error": "[E105] b.png: is not a readable image"})
    p.close()
    assert plain.getvalue().splitlines() == ["[1/2] ok    a.txt -> a.json (0.1 s)",
                                             "[2/2] FAIL  [E105] b.png: is not a readable image"]

    class Tty(io.StringIO):
        def isatty(self):
            return True
    tty = Tty()
    p = Progress(2, stream=tty)
    p.finished({"status": "done", "path": "a.txt", "name": "a", "outputs": {"json": "a.json"}})
    p.finished({"status": "failed", "path": "b.png", "error": "[E105] b.png: is not a readable image"})
    p.close()
    shown = tty.getvalue()
    assert "2/2" in shown and "100%" in shown and "FAIL  [E105] b.png" in shown and "[1/2] ok" not in shown


class KillsTheWorker:
    """Fault injection: options whose first use kills the worker process outright, as the
    kernel's OOM killer or a segfault in a native library would."""

    def with_(self, **changes):
        os.kill(os.getpid(), signal.SIGKILL)


class Buggy:
    """Fault injection: options that raise an unexpected exception, as a bug in a stage would."""

    def with_(self, **changes):
        raise ZeroDivisionError("division by zero")


def test_a_bug_on_one_input_is_reported_as_such_with_the_file():
    from pipeline.batch.worker import process_one
    outcome = process_one(str(LEGACY_SAMPLE), "x", "/nonexistent", Buggy())
    assert outcome["status"] == "failed" and outcome["exit_code"] == ExitCode.INTERNAL
    assert outcome["error"].startswith(f"{LEGACY_SAMPLE}: internal error: ZeroDivisionError")
    assert "Traceback" in outcome["traceback"]


def test_a_worker_crash_fails_only_its_file(tmp_path):
    src = tmp_path / "in"
    files = []
    for i in range(4):
        p = src / f"p{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(LEGACY)
        files.append(p)
    out = tmp_path / "out"
    base = ProcessOptions(outdir=out, formats=("json",))
    tasks = [Task(path=str(p), key=str(p), name=p.stem, outdir=str(out),
                  options=KillsTheWorker() if p.name == "p2.txt" else base) for p in files]
    outcomes = {}
    run_tasks(tasks, 2, lambda task, outcome: outcomes.__setitem__(Path(task.path).name, outcome) or True)
    assert set(outcomes) == {"p0.txt", "p1.txt", "p2.txt", "p3.txt"}
    assert outcomes["p2.txt"]["status"] == "failed" and "crash" in outcomes["p2.txt"]["error"]
    assert str(files[2]) in outcomes["p2.txt"]["error"]
    for name in ("p0.txt", "p1.txt", "p3.txt"):
        assert outcomes[name]["status"] == "done"
        assert validation_errors(json.loads((out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))) == []


# ------------------------------------------------------------------------- real subprocesses

SOHOA = [sys.executable, "-m", "pipeline.cli"]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def eight_inputs(src: Path) -> list[Path]:
    files = []
    for i in range(8):
        p = src / ("sub" if i % 2 else "") / f"plan-{i}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(LEGACY * 2 + f"\nBản số {i}\n".encode())     # a little work each, distinct contents
        files.append(p)
    return files


@pytest.mark.slow
def test_sigkill_after_the_first_output_then_rerun_ends_with_eight_valid_plans(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    files = eight_inputs(src)
    proc = subprocess.Popen([*SOHOA, "process", str(src), "-o", str(out), "--jobs", "2"], env=ENV, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not list(out.rglob("*.json")):
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGKILL)       # the run and its workers, at once, without warning
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    done_before = list(out.rglob("*.json"))
    assert 1 <= len(done_before) < 8
    for plan in done_before:                   # what is there is whole
        assert validation_errors(json.loads(plan.read_text(encoding="utf-8"))) == []

    r = subprocess.run([*SOHOA, "process", str(src), "-o", str(out), "--jobs", "2"], env=ENV, cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == ExitCode.OK, r.stderr
    plans = sorted(out.rglob("plan-*.json"))
    assert len(plans) == 8
    for plan in plans:
        data = json.loads(plan.read_text(encoding="utf-8"))
        assert validation_errors(data) == []
        assert Path(data["source"]["path"]).name == plan.with_suffix(".txt").name
    assert not list(out.rglob("*.part"))
    rows = manifest_rows(out)
    assert len(rows) == 8 and {r["status"] for r in rows.values()} == {"done"}
    assert "8 input(s)" in r.stderr and "0 failed" in r.stderr

    again = subprocess.run([*SOHOA, "process", str(src), "-o", str(out)], env=ENV, cwd=ROOT,
                           capture_output=True, text=True)
    assert again.returncode == ExitCode.OK and "0 done, 8 skipped" in again.stderr


@pytest.mark.slow
def test_missing_tesseract_stops_the_batch_with_exit_3(tmp_path):
    from tests.conftest import SCAN_SAMPLE
    src = tmp_path / "in"
    eight_inputs(src)
    (src / SCAN_SAMPLE.name).write_bytes(SCAN_SAMPLE.read_bytes())
    env = dict(ENV, PATH=str(tmp_path / "nothing"))
    r = subprocess.run([*SOHOA, "process", str(src), "-o", str(tmp_path / "out"), "--jobs", "2"], env=env,
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == ExitCode.MISSING_DEPENDENCY
    assert "apt-get install tesseract-ocr" in r.stderr and "Traceback" not in r.stderr
    # the scan stays to do: the next run (with Tesseract) takes it up
    rows = manifest_rows(tmp_path / "out")
    assert rows[str((src / SCAN_SAMPLE.name).resolve())]["status"] == "pending"


def test_two_runs_on_one_output_folder_do_not_mix(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\nfcntl.lockf(fd, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\ntime.sleep(60)", str(out / ".sohoa.lock")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["process", str(LEGACY_SAMPLE), "-o", str(out)]) == ExitCode.USAGE
        assert "another sohoa run" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert main(["process", str(LEGACY_SAMPLE), "-o", str(out)]) == ExitCode.OK
