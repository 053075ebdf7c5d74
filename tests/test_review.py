"""`sohoa review`: the JSON API, its token, its ids, saving and what corrections teach.

The server runs for real (in a thread, or as a `sohoa review` subprocess); requests go over
HTTP to 127.0.0.1. The browser itself is driven in test_review_browser.py."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline.api import ProcessOptions
from pipeline.batch import run_batch
from pipeline.review.server import ReviewServer
from pipeline.review.store import ReviewStore
from tests.conftest import ROOT

DOC_A = ("UBND XA TAM TIEN\n\nKE HOACH\nPhat dong thi dua nam 2024\n\nI. MUC DICH\n"
         "Xay dung que huong Tam Tién ngay cang giau dep.\n")
DOC_B = "Ke hoach cua xa\n\nphong trao thi dua cua xa Tam Tién dat ket qua tot\n"


def process(inputs: list[Path], outdir: Path, **kw) -> None:
    code = run_batch(inputs, ProcessOptions(outdir=outdir, jobs=1, **kw), stream=open(os.devnull, "w"))
    assert code == 0


@pytest.fixture
def outdir(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "tam-tien.txt").write_text(DOC_A, encoding="utf-8")
    out = tmp_path / "out"
    process([src / "tam-tien.txt"], out)
    return out


@pytest.fixture
def server(outdir):
    srv = ReviewServer(ReviewStore(outdir))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def call(srv, path, *, token=True, body=None, headers=None, host=None):
    """(status, parsed JSON or bytes) of one request."""
    url = f"http://127.0.0.1:{srv.port}{path}"
    h = dict(headers or {})
    if token is True:
        h["Authorization"] = f"Bearer {srv.token}"
    if host:
        h["Host"] = host
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=h, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raw, status, ctype = e.read(), e.code, e.headers.get("Content-Type", "")
    return status, json.loads(raw) if ctype.startswith("application/json") else raw


def the_doc(srv) -> dict:
    status, data = call(srv, "/api/documents")
    assert status == 200
    return data["documents"][0]


def test_every_request_without_the_token_is_refused(server):
    doc = the_doc(server)
    for path in ("/", "/static/review.js", "/api/documents", f"/api/documents/{doc['id']}",
                 f"/api/documents/{doc['id']}/pages/1.png"):
        assert call(server, path, token=False)[0] == 403
        assert call(server, path, token=False, headers={"Authorization": "Bearer wrong"})[0] == 403
        assert call(server, path + ("&" if "?" in path else "?") + "token=wrong", token=False)[0] == 403
    status, _ = call(server, f"/api/documents/{doc['id']}/corrections", token=False,
                     body={"corrections": [{"id": "4.5", "text": "Tiên"}]})
    assert status == 403
    assert not (server.store.outdir / "tam-tien.corrections.json").exists()
    # a page from another site's address (DNS rebinding) is refused even with the token
    assert call(server, "/api/documents", host="evil.example:80")[0] == 403


def test_the_token_as_query_bearer_or_the_cookie_the_page_sets(server):
    assert call(server, "/api/documents")[0] == 200
    status, page = call(server, f"/?token={server.token}", token=False)
    assert status == 200 and b"/static/review.js" in page
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}/?token={server.token}")
    with urllib.request.urlopen(req) as r:
        cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert call(server, "/api/documents", token=False, headers={"Cookie": cookie.split(";")[0]})[0] == 200


@pytest.mark.parametrize("path", [
    "/api/documents/../../../etc/passwd", "/api/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/../pyproject.toml", "/static/../../README.md", "/tam-tien.json", "/sohoa-manifest.sqlite",
    "/api/documents/0123456789abcdef", "/api/documents/tam-tien", "/api/documents/..%2ftam-tien",
    "/api/documents/{id}/pages/0.png", "/api/documents/{id}/pages/2.png", "/api/documents/{id}/pages/..%2f..%2fx.png",
    "/api/documents/{id}/../../tam-tien.json",
])
def test_ids_or_paths_that_try_to_leave_outdir_get_404(server, path):
    doc = the_doc(server)
    status, data = call(server, path.replace("{id}", doc["id"]))
    assert status == 404, (path, data)
    status, _ = call(server, path.replace("{id}", doc["id"]) + "/corrections", body={"corrections": []})
    assert status == 404


def test_the_server_listens_on_127_0_0_1_only(server):
    assert server.server_address[0] == "127.0.0.1"
    others = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            others.add(info[4][0])
    except socket.gaierror:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:       # the address of the default route
        try:
            s.connect(("192.0.2.1", 9))                               # (no packet is sent)
            others.add(s.getsockname()[0])
        except OSError:
            pass
    others = {a for a in others if not a.startswith("127.")}
    if not others:
        pytest.skip("this machine has no interface but loopback")
    for address in others:
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=2).close()


def test_document_api_and_a_correction_saved_and_remade(server, outdir):
    doc = the_doc(server)
    assert doc["name"] == "tam-tien" and doc["review"]["state"] == "unreviewed"
    status, d = call(server, f"/api/documents/{doc['id']}")
    assert status == 200
    assert {"words", "header", "targets", "pages", "review"} <= set(d)
    w = next(w for w in d["words"] if w["original"] == "Tién")
    assert {"id", "text", "original", "confidence", "alternatives", "page", "box"} <= set(w)
    assert w["text"] == "Tiến"
    # a text input has no page image
    assert call(server, f"/api/documents/{doc['id']}/pages/1.png")[0] == 404
    # a bad correction changes nothing
    for bad in ({"corrections": [{"id": w["id"], "text": "two words"}]}, {"corrections": [{"id": "99.99", "text": "x"}]},
                {"header": {"date": "15/3/2024"}}, {"header": {"nope": "x"}}, {"surprise": 1}):
        status, data = call(server, f"/api/documents/{doc['id']}/corrections", body=bad)
        assert status == 400 and data["error"], bad
    assert not (outdir / "tam-tien.corrections.json").exists()

    status, d = call(server, f"/api/documents/{doc['id']}/corrections",
                     body={"corrections": [{"id": w["id"], "text": "Tiên"}], "header": {"signer": "Lê Văn An"}})
    assert status == 200 and d["saved"] and sorted(d["regenerated"]) == ["docx", "json", "txt"]
    saved = json.loads((outdir / "tam-tien.corrections.json").read_text(encoding="utf-8"))
    assert saved["words"][w["id"]]["text"] == "Tiên" and saved["header"]["signer"] == "Lê Văn An"
    assert "Tam Tiên" in (outdir / "tam-tien.txt").read_text(encoding="utf-8")
    plan = json.loads((outdir / "tam-tien.json").read_text(encoding="utf-8"))
    assert plan["header"]["signer"] == "Lê Văn An" and "Tam Tiên" in json.dumps(plan, ensure_ascii=False)
    from docx import Document
    assert any("Tam Tiên" in p.text for p in Document(str(outdir / "tam-tien.docx")).paragraphs)
    tsv = (outdir / "sohoa-corrections.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[-1].split("\t")[:5] == ["Tién", "Tam _ ngay", "Tiên", "tam-tien", w["id"]]
    # the manifest knows who and when
    import sqlite3
    row = sqlite3.connect(outdir / "sohoa-manifest.sqlite").execute(
        "SELECT state, reviewer, changed, corrections FROM reviews WHERE name='tam-tien'").fetchone()
    assert row[0] == "in progress" and row[1] and row[2] and row[3] == 1
    status, d = call(server, f"/api/documents/{doc['id']}/corrections", body={"reviewed": True})
    assert d["review"]["state"] == "reviewed" and d["review"]["by"]
    assert the_doc(server)["review"]["state"] == "reviewed"


def test_a_correction_teaches_the_next_document(server, outdir, tmp_path):
    doc = the_doc(server)
    _, d = call(server, f"/api/documents/{doc['id']}")
    w = next(w for w in d["words"] if w["original"] == "Tién")
    assert call(server, f"/api/documents/{doc['id']}/corrections",
                body={"corrections": [{"id": w["id"], "text": "Tiên"}]})[0] == 200
    other = tmp_path / "in" / "thi-dua.txt"
    other.write_text(DOC_B, encoding="utf-8")
    process([other], tmp_path / "plain")
    plain = (tmp_path / "plain" / "thi-dua.txt").read_text(encoding="utf-8").split()
    assert "Tiến" in plain and "Tiên" not in plain
    process([other], tmp_path / "taught", corrections=outdir / "sohoa-corrections.tsv")
    taught = (tmp_path / "taught" / "thi-dua.txt").read_text(encoding="utf-8").split()
    assert "Tiên" in taught and "Tiến" not in taught


def test_processing_a_reviewed_document_again_keeps_its_corrections(server, outdir, tmp_path):
    doc = the_doc(server)
    _, d = call(server, f"/api/documents/{doc['id']}")
    w = next(w for w in d["words"] if w["original"] == "Tién")
    call(server, f"/api/documents/{doc['id']}/corrections", body={"corrections": [{"id": w["id"], "text": "Tiên"}]})
    process([tmp_path / "in" / "tam-tien.txt"], outdir, force=True)
    assert "Tam Tiên" in (outdir / "tam-tien.txt").read_text(encoding="utf-8")


def hold_batch_lock(outdir: Path) -> subprocess.Popen:
    """Another process holding OUTDIR's batch lock, as a running `sohoa process` does."""
    code = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.lockf(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()")
    p = subprocess.Popen([sys.executable, "-c", code, str(outdir / ".sohoa.lock")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_corrections_saved_while_a_batch_writes_are_made_into_outputs_at_the_next_start(outdir, monkeypatch):
    import pipeline.review.store as store_module
    monkeypatch.setattr(store_module, "LOCK_WAIT", 0.5)
    store = ReviewStore(outdir)
    did = next(iter(store.names()))
    w = next(w for w in store.document(did)["words"] if w["original"] == "Tién")
    holder = hold_batch_lock(outdir)
    try:
        d = store.correct(did, {"corrections": [{"id": w["id"], "text": "Tiên"}]})
        assert d["regenerated"] == [] and "sohoa process run" in d["pending"]
        assert "Tam Tiên" not in (outdir / "tam-tien.txt").read_text(encoding="utf-8")
        assert (outdir / "tam-tien.corrections.json").exists()          # saved at once all the same
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert ReviewStore(outdir).catch_up() == ["tam-tien"]               # the next start
    assert "Tam Tiên" in (outdir / "tam-tien.txt").read_text(encoding="utf-8")
    assert ReviewStore(outdir).catch_up() == []


@pytest.mark.slow
def test_sohoa_review_prints_its_url_and_stops_cleanly_on_ctrl_c(outdir):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "review", str(outdir), "--no-browser"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        url = p.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "/?token=" in url
        port = int(url.split(":")[2].split("/")[0])
        token = url.split("token=")[1]
        assert len(token) >= 24
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/documents", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert json.loads(r.read())["documents"][0]["name"] == "tam-tien"
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=10) == 0
        assert "Traceback" not in p.stderr.read()
    finally:
        if p.poll() is None:
            p.kill()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_review_of_a_folder_without_documents_is_a_usage_error(tmp_path, capsys):
    from pipeline.cli import main
    assert main(["review", str(tmp_path), "--no-browser"]) == 2
    assert "[E300]" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "nowhere"), "--no-browser"]) == 2
