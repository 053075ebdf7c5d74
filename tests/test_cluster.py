"""The batch on a real Dask cluster (`sohoa process --scheduler`): a scheduler and two workers
started as the README says (`dask scheduler`, `dask worker ... --nthreads 1`) on 127.0.0.1.

Same outputs as a local run, long documents read in parts and joined, a worker killed mid-run,
a rerun that skips everything, a failing input named, the scheduler gone, Ctrl-C, the models
loaded once per worker; and, without a cluster, the page ranges, the address and the manifest's
version stamp."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from pipeline.api import ProcessOptions
from pipeline.batch import MANIFEST_NAME, run_batch
from pipeline.cli import main
from pipeline.errors import ExitCode, UsageError
from pipeline.export.json_plan import validation_errors
from tests.conftest import LEGACY_SAMPLE, ROOT, build_pdf, corrupt_png
from tests.test_batch import manifest_rows

LEGACY = LEGACY_SAMPLE.read_bytes()
SOHOA = [sys.executable, "-m", "pipeline.cli"]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


# ------------------------------------------------------------------------- inputs

def layer_pdf(pages: list[list[str]]) -> bytes:
    """A PDF of several pages, each with a real text layer (ASCII, Helvetica)."""
    n = len(pages)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)), n),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for lines in pages:
        ops = b"BT /F1 12 Tf 72 760 Td 14 TL " + b" ".join(
            b"(" + line.encode("latin-1") + b") Tj T*" for line in lines) + b" ET"
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>" % (len(objs) + 2))
        objs.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
    return build_pdf(objs)


LAYER_PAGES = [
    ["KE HOACH Phat trien nong nghiep nam 2026", "I. MUC DICH, YEU CAU", "1. Muc dich: nang cao thu nhap",
     "cho nguoi dan tren dia ban xa nam 2026."],
    ["II. CHI TIEU", "1. Tong dan lon dat 7.400 con, dan trau bo 1.150 con.",
     "2. Dien tich nuoi trong thuy san 62 ha, san luong 480 tan."],
    ["III. TO CHUC THUC HIEN", "Giao Cong chuc Dia chinh - Nong nghiep chu tri, bao cao ket qua",
     "hang quy ve Uy ban nhan dan xa."],
]


def scanned_tiff(path: Path) -> None:
    """A 3-page scan (small rendered pages, ~0.3 s of Tesseract each)."""
    from tests.scanpages import PLAN_A, PLAN_B, PLAN_C, render, scanned
    frames = [Image.fromarray(scanned(render(t), angle=a, seed=i))
              for i, (t, a) in enumerate([(PLAN_A, 1.5), (PLAN_B, -2.0), (PLAN_C, 0.5)])]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(300, 300))


def mixed_inputs(src: Path) -> None:
    """Text, a text-layer PDF of 3 pages and a scan of 3 pages: every way into the pipeline."""
    (src / "b").mkdir(parents=True)
    (src / "plan.txt").write_bytes(LEGACY)
    (src / "b" / "plan.txt").write_bytes(LEGACY.replace(b"2024", b"2025"))
    (src / "layer.pdf").write_bytes(layer_pdf(LAYER_PAGES))
    scanned_tiff(src / "scan.tif")


def texts(src: Path, n: int, body: bytes = LEGACY) -> list[Path]:
    """n distinct texts (the legacy sample: half a second of work each)."""
    src.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        p = src / f"plan-{i}.txt"
        p.write_bytes(body + f"\nBản số {i}\n".encode())
        files.append(p)
    return files


def done_count(outdir: Path) -> int:
    try:
        return sum(r["status"] == "done" for r in manifest_rows(outdir).values())
    except sqlite3.Error:
        return 0


def identities(outdir: Path) -> dict[str, tuple[int, int]]:
    """Each output's inode and modification time: an atomic rewrite changes both."""
    return {str(p.relative_to(outdir)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in outdir.rglob("*") if p.suffix in (".json", ".docx", ".txt") and p.parent.name != "cluster"}


def docx_body(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------- without a cluster

def test_a_document_read_in_page_ranges_joins_to_the_text_of_one_reading(tmp_path):
    from pipeline.ingest import load_document
    from pipeline.ocr import join_pages, read_pages, recognise
    path = tmp_path / "layer.pdf"
    path.write_bytes(layer_pdf(LAYER_PAGES))
    whole = recognise(load_document(path))
    parts = [load_document(path, page_range=r) for r in [(1, 1), (2, 3)]]
    assert [[p.number for p in d.pages] for d in parts] == [[1], [2, 3]]
    assert {d.page_count for d in parts} == {3}
    pages = [page for d in parts for page in read_pages(d)[0]]
    assert join_pages(pages, engine=None, lang="vie") == whole


@pytest.mark.slow
def test_a_part_of_a_scan_carries_its_text_not_its_page_images(tmp_path):
    """What a worker sends on for a part of a long document is its pages' lines: kilobytes, where
    the page images are megabytes. (The client receives only outcomes: the join is on a worker.)"""
    import pickle

    from pipeline.batch.remote import read_part
    from pipeline.ingest import load_document
    path = tmp_path / "scan.tif"
    scanned_tiff(path)
    part = read_part(str(path), "scan.tif", 2, 3, ProcessOptions(outdir=None), client_sees=True)
    assert part.failure is None and [p.number for p in part.pages] == [2, 3] and part.page_count == 3
    assert "NHIỆM VỤ" in " ".join(line.text for line in part.pages[0].lines)
    images = sum(p.image.nbytes for p in load_document(path, page_range=(2, 3)).pages)
    assert len(pickle.dumps(part)) * 100 < images          # ~7 KB against ~2 MB


def test_page_ranges_are_even_and_cover_the_document():
    from pipeline.batch.remote import split_pages
    assert split_pages(23, 10) == [(1, 8), (9, 16), (17, 23)]
    assert split_pages(300, 10)[-1] == (291, 300) and len(split_pages(300, 10)) == 30
    assert split_pages(3, 1) == [(1, 1), (2, 2), (3, 3)] and split_pages(5, 10) == [(1, 5)]


def test_scheduler_addresses():
    from pipeline.batch.cluster import scheduler_address
    assert scheduler_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert scheduler_address("10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert scheduler_address("tls://[::1]:8786") == "tls://[::1]:8786"
    for bad in ("http://x:1", "tcp://host", "tcp://h:99999", "tcp://h:1/x", ""):
        with pytest.raises(UsageError):
            scheduler_address(bad)


def test_a_bad_scheduler_address_is_bad_usage(tmp_path, capsys):
    assert main(["process", str(LEGACY_SAMPLE), "-o", str(tmp_path), "--scheduler", "http://x"]) == ExitCode.USAGE
    assert "[E300]" in capsys.readouterr().err


def test_the_models_checksum_follows_every_model_file(tmp_path):
    from pipeline.batch.stamp import models_checksum
    from pipeline.resources import dictionaries_dir
    for f in dictionaries_dir().iterdir():
        if f.is_file() and f.suffix in (".tsv", ".txt", ".md"):
            (tmp_path / f.name).write_bytes(f.read_bytes())
    before = models_checksum(tmp_path)
    (tmp_path / "README.md").write_text("notes only\n")
    assert models_checksum(tmp_path) == before          # documentation decides no output
    with open(tmp_path / "units.tsv", "a", encoding="utf-8") as f:
        f.write("# one more line\n")
    assert models_checksum(tmp_path) != before


def test_outputs_of_another_version_or_models_are_redone(tmp_path, capsys):
    """The manifest records the version and models with each input: an upgrade redoes the
    inputs an older sohoa did, and a manifest written before these columns existed gets them."""
    from pipeline.batch.stamp import build_stamp
    src, out = tmp_path / "in", tmp_path / "out"
    a, b, c = texts(src, 3, "KẾ HOẠCH năm 2025\nI. MỤC ĐÍCH\n1. Tổng đàn lợn đạt 7.400 con.\n".encode())
    options = ProcessOptions(outdir=out, formats=("json",), jobs=1)
    assert run_batch([src], options) == ExitCode.OK
    rows = manifest_rows(out)
    assert {(r["sohoa"], r["models"]) for r in rows.values()} == {tuple(build_stamp().values())}
    db = sqlite3.connect(out / MANIFEST_NAME)
    db.execute("UPDATE inputs SET sohoa='0.0.1' WHERE key=?", (str(a.resolve()),))
    db.execute("UPDATE inputs SET models='0' WHERE key=?", (str(b.resolve()),))
    db.commit()
    db.close()
    capsys.readouterr()
    assert run_batch([src], options) == ExitCode.OK
    assert "2 done, 1 skipped" in capsys.readouterr().err
    # a manifest of before: the same table without the two columns
    from pipeline.batch import manifest
    old_schema = re.sub(r"finished\s+TEXT,.*?\n\);", "finished TEXT\n);", manifest._SCHEMA, flags=re.S)
    assert not re.search(r"^\s*(sohoa|models)\s+TEXT", old_schema, flags=re.M)
    db = sqlite3.connect(out / MANIFEST_NAME)
    db.executescript(f"ALTER TABLE inputs RENAME TO newer; {old_schema};")
    cols = ", ".join(r[1] for r in db.execute("PRAGMA table_info(inputs)"))
    db.executescript(f"INSERT INTO inputs SELECT {cols} FROM newer; DROP TABLE newer;")
    db.close()
    assert run_batch([src], options) == ExitCode.OK
    assert "3 done, 0 skipped" in capsys.readouterr().err
    assert run_batch([src], options) == ExitCode.OK
    assert "0 done, 3 skipped" in capsys.readouterr().err


def test_a_worker_that_cannot_see_an_input_says_the_storage_must_be_shared(tmp_path):
    from pipeline.batch.remote import process_whole, worker_report
    options = ProcessOptions(outdir=tmp_path)
    gone = tmp_path / "share" / "plan.txt"
    outcome = process_whole(str(gone), "share/plan.txt", "plan", str(tmp_path), options, client_sees=True)
    assert outcome["status"] == "failed" and outcome["error_code"] == "E101"
    assert outcome["error"].startswith("[E101] share/plan.txt: is not on the worker on ")
    assert "storage every worker sees" in outcome["error"]
    assert worker_report(str(tmp_path))["sees_outdir"] and not worker_report(str(gone))["sees_outdir"]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    env = dict(ENV, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    address = f"tcp://127.0.0.1:{free_port()}"
    r = subprocess.run([*SOHOA, "process", str(LEGACY_SAMPLE), "-o", str(tmp_path / "out"), "--scheduler", address],
                       env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == ExitCode.MISSING_DEPENDENCY, r.stderr
    assert f"[E210] cannot reach the Dask scheduler at {address}" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------------- on a real cluster

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from tests.dask_cluster import DaskCluster
    c = DaskCluster(tmp_path_factory.mktemp("dask"), workers=2)
    try:
        c.client().close()          # both workers have joined
        yield c
    finally:
        c.close()


@pytest.fixture
def client(cluster):
    c = cluster.client(workers=1)
    yield c
    c.close()


@pytest.mark.slow
def test_the_cluster_writes_what_a_local_run_writes(cluster, tmp_path, monkeypatch):
    """Plans, texts and documents equal to a local run's; the two 3-page documents are read in
    parts of one page by both workers and joined. Paths are relative, as users give them: the
    workers have working folders of their own, the plans record the paths as given."""
    src = tmp_path / "in"
    mixed_inputs(src)
    local, remote = tmp_path / "local", tmp_path / "remote"
    monkeypatch.chdir(tmp_path)
    assert main(["process", "in", "-o", "local", "--jobs", "2"]) == ExitCode.OK
    r = subprocess.run([*SOHOA, "process", "in", "-o", "remote", "--scheduler", cluster.address,
                        "--pages-per-task", "1"], env=ENV, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == ExitCode.OK, r.stderr
    assert "4 done, 0 skipped (unchanged), 0 failed" in r.stderr and "(2 workers)" in r.stderr
    names = ["plan", "b/plan", "layer", "scan"]
    for name in names:
        plan_l = json.loads((local / f"{name}.json").read_text(encoding="utf-8"))
        plan_r = json.loads((remote / f"{name}.json").read_text(encoding="utf-8"))
        assert validation_errors(plan_r) == []
        assert plan_r == plan_l, name
        assert (remote / f"{name}.txt").read_bytes() == (local / f"{name}.txt").read_bytes(), name
        assert docx_body(remote / f"{name}.docx") == docx_body(local / f"{name}.docx"), name
    scan = json.loads((remote / "scan.json").read_text(encoding="utf-8"))["source"]
    assert scan["pages"] == 3 and scan["path"] == "in/scan.tif"
    assert "Tổng đàn lợn" in (remote / "scan.txt").read_text(encoding="utf-8")
    rows = {Path(k).name + ("/b" if "/b/" in k else ""): r for k, r in manifest_rows(remote).items()}
    assert rows["scan.tif"]["pages"] == 3 and rows["layer.pdf"]["pages"] == 3
    local_rows = {Path(k).name + ("/b" if "/b/" in k else ""): r for k, r in manifest_rows(local).items()}
    for key, row in rows.items():
        assert row["status"] == "done" and row["sha256"] == local_rows[key]["sha256"]
        assert (row["sohoa"], row["models"], row["options"]) == (local_rows[key]["sohoa"], local_rows[key]["models"],
                                                                 local_rows[key]["options"])


@pytest.mark.slow
def test_a_worker_killed_mid_run_the_run_completes_nothing_redone_or_torn(cluster, client, tmp_path):
    import psutil
    src, out = tmp_path / "in", tmp_path / "out"
    texts(src, 8)
    proc = subprocess.Popen([*SOHOA, "process", str(src), "-o", str(out), "--scheduler", cluster.address],
                            env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: done_count(out) >= 2 or proc.poll() is not None, 120, "two documents done")
        # the client listens on nothing: it only connects to the scheduler
        listening = [c for c in psutil.Process(proc.pid).net_connections() if c.status == psutil.CONN_LISTEN]
        assert listening == []
        busy = {w: keys for w, keys in client.processing().items() if keys}
        assert busy, "no document in flight to kill the worker of"
        victim = sorted(busy)[0]
        # the outputs of the documents done by now (one in flight may have some of its files
        # written: it is done again whole elsewhere, each file replaced atomically)
        done_before = [json.loads(r["outputs"]) for r in manifest_rows(out).values() if r["status"] == "done"]
        before = {k: v for k, v in identities(out).items() if any(k in o.values() for o in done_before)}
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == ExitCode.OK, err
    assert "8 done, 0 skipped (unchanged), 0 failed" in err and "Traceback" not in err
    rows = manifest_rows(out)
    assert len(rows) == 8 and {r["status"] for r in rows.values()} == {"done"}
    after = identities(out)
    assert {k: after[k] for k in before} == before          # nothing done before the kill was written again
    assert len(done_before) >= 2 and len(before) == 3 * len(done_before) and len(after) == 24
    for plan in out.glob("*.json"):
        assert validation_errors(json.loads(plan.read_text(encoding="utf-8"))) == []
    assert not list(out.rglob("*.part"))

    # the rerun skips everything, and needs no cluster for it
    r = subprocess.run([*SOHOA, "process", str(src), "-o", str(out), "--scheduler", cluster.address],
                       env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == ExitCode.OK and "0 done, 8 skipped (unchanged), 0 failed" in r.stderr
    r = subprocess.run([*SOHOA, "process", str(src), "-o", str(out), "--scheduler", f"tcp://127.0.0.1:{free_port()}"],
                       env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == ExitCode.OK and "8 skipped" in r.stderr
    assert identities(out) == after


@pytest.mark.slow
def test_failing_inputs_are_named_and_reported_the_others_written(cluster, tmp_path, capsys):
    """Through the Python API, which takes `scheduler` as the CLI does."""
    from pipeline import process, process_batch
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_bytes(LEGACY)
    bad = {"broken.png": (corrupt_png(), "[E105]"), "fake.pdf": (b"plain text, not a PDF\n", "[E107]"),
           "empty.txt": (b"", "[E102]")}
    for name, (data, _) in bad.items():
        (src / name).write_bytes(data)
    assert process_batch([src], out, scheduler=cluster.address) == ExitCode.INPUT_FAILED
    err = capsys.readouterr().err
    assert "1 done, 0 skipped (unchanged), 3 failed" in err and "Traceback" not in err
    report = {row.split(",")[0]: row for row in (out / "report.csv").read_text(encoding="utf-8").splitlines()[1:]}
    for name, (_, code) in bad.items():
        path = str(src / name)
        assert any(code in line and path in line for line in err.splitlines()), name
        assert ",failed," in report[path] and code in report[path]
    assert validation_errors(json.loads((out / "good.json").read_text(encoding="utf-8"))) == []
    # one document through `process`, on the cluster and here: the same plan
    assert process(src / "good.txt", scheduler=cluster.address).to_dict() == process(src / "good.txt").to_dict()


@pytest.mark.slow
def test_ctrl_c_cancels_the_documents_left_and_leaves_nothing_half_written(cluster, client, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    texts(src, 6)
    proc = subprocess.Popen([*SOHOA, "process", str(src), "-o", str(out), "--scheduler", cluster.address],
                            env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: done_count(out) >= 1 or proc.poll() is not None, 120, "a document done")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "interrupted" in err and "Traceback" not in err
    # nothing of this run is left on the scheduler (what a worker had begun is dropped once done)
    wait_for(lambda: not client.run_on_scheduler(lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks
                                                                          if str(k).startswith("sohoa-")]),
             30, "the cancelled documents to leave the scheduler")
    done = done_count(out)
    assert 1 <= done < 6
    for plan in out.glob("*.json"):
        assert validation_errors(json.loads(plan.read_text(encoding="utf-8"))) == []
    r = subprocess.run([*SOHOA, "process", str(src), "-o", str(out), "--scheduler", cluster.address],
                       env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert r.returncode == ExitCode.OK, r.stderr
    assert f"{6 - done} done, {done} skipped" in r.stderr
    assert not list(out.rglob("*.part"))


@pytest.mark.slow
def test_workers_of_another_sohoa_are_refused_before_anything_is_sent(cluster, client, tmp_path, monkeypatch):
    from pipeline.batch import cluster as cluster_module, stamp
    newer = {"sohoa": "9.9.9", "models": "f" * 64}
    monkeypatch.setattr(stamp, "build_stamp", lambda: newer)      # this client, upgraded
    with pytest.raises(cluster_module.ClusterWorkersError) as caught:
        with cluster_module.connect(cluster.address, outdir=tmp_path):
            pass
    assert caught.value.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "[E212] the worker tcp://127.0.0.1:" in caught.value.render() and "this client sohoa 9.9.9" in caught.value.render()


@pytest.mark.slow
def test_workers_load_the_models_once_each_also_workers_that_join_later(cluster, client, tmp_path):
    from pipeline.batch.cluster import connect
    def loaded():
        from pipeline.parse.assignments import pipeline
        from pipeline.restore import engine
        loaded_engine = engine._engines.get("new")
        return {"engine": id(loaded_engine) if loaded_engine is not None else None,
                "spacy_builds": pipeline.cache_info().misses}

    with connect(cluster.address, outdir=tmp_path):      # as a run starts: nothing processed here
        pass
    first = client.run(loaded)
    assert all(v["engine"] is not None and v["spacy_builds"] == 1 for v in first.values()), first
    cluster.add_worker()                       # a worker that has read nothing yet
    client.wait_for_workers(len(first) + 1, timeout=60)
    wait_for(lambda: all(v["engine"] is not None and v["spacy_builds"] == 1 for v in client.run(loaded).values()), 30,
             "the new worker to warm up")
    later = client.run(loaded)
    assert {w: later[w] for w in first if w in later} == {w: first[w] for w in first if w in later}


def run_and_break_a_lonely_cluster(tmp_path, src: Path, out: Path, fault, env=ENV) -> tuple[int, str, str]:
    """`sohoa process src -o out --scheduler` on a cluster of one worker; once a document is
    done, `fault(cluster)` breaks it. The command's exit status and stderr, and the address."""
    from tests.dask_cluster import DaskCluster
    lonely = DaskCluster(tmp_path / "dask", workers=1)
    try:
        lonely.client().close()
        proc = subprocess.Popen([*SOHOA, "process", str(src), "-o", str(out), "--scheduler", lonely.address],
                                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: done_count(out) >= 1 or proc.poll() is not None, 120, "a document done")
            fault(lonely)
            _, err = proc.communicate(timeout=90)
        finally:
            if proc.poll() is None:
                proc.kill()
    finally:
        lonely.close()
    return proc.returncode, err, lonely.address


@pytest.mark.slow
def test_the_scheduler_gone_mid_run_is_a_clear_error_and_the_manifest_resumes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    texts(src, 6)
    code, err, address = run_and_break_a_lonely_cluster(tmp_path, src, out, lambda c: c.kill_scheduler())
    assert code == ExitCode.MISSING_DEPENDENCY, err
    assert f"[E211] lost the connection to the Dask scheduler at {address}" in err
    assert "rerun the same command" in err and "Traceback" not in err
    done = done_count(out)
    assert 1 <= done < 6 and f"{done} done" in err and "not run" in err
    assert (out / "report.csv").is_file()
    r = subprocess.run([*SOHOA, "process", str(src), "-o", str(out)], env=ENV, cwd=ROOT,
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == ExitCode.OK and f"{6 - done} done, {done} skipped" in r.stderr


def test_every_worker_gone_mid_run_stops_the_run_instead_of_waiting_forever(tmp_path):
    """Dask holds tasks while no worker is there; sohoa waits SOHOA_WORKERS_WAIT seconds for one
    to come back, then stops with E212 and a manifest the next run resumes from."""
    src, out = tmp_path / "in", tmp_path / "out"
    texts(src, 6)
    code, err, address = run_and_break_a_lonely_cluster(
        tmp_path, src, out, lambda c: os.killpg(c.workers[0].pid, signal.SIGKILL),   # nanny and worker
        env=dict(ENV, SOHOA_WORKERS_WAIT="3"))
    assert code == ExitCode.MISSING_DEPENDENCY, err
    assert f"[E212] every worker left the Dask scheduler at {address}" in err
    assert "rerun the same command" in err and "Traceback" not in err
    done = done_count(out)
    assert 1 <= done < 6 and "not run" in err
