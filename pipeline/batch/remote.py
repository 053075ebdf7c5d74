"""What a Dask worker runs for `sohoa process --scheduler` (the client side is cluster.py).

Plain functions, no Dask in them: the client submits them with paths, and the worker reads the
input and writes the outputs itself, atomically, on storage both see. What comes back to the
client is an outcome dict, as from a local worker (worker.py): never a page image, nor a text.

A document longer than `options.pages_per_task` pages is read in parts. `read_part` loads and
OCRs one page range (a worker holds only that range's images) and returns the lines of its pages
(text and word confidences: kilobytes). `join_parts`, on one worker, puts the parts' pages in
page order and joins them with `ocr.join_pages`, the function a local reading ends with, then
restores, parses and writes with `api.finish_document`, the code a local run runs after OCR. So
the plan is the one a local run makes: a page's OCR depends on that page alone, and restoration
and parsing see the whole text at once, as locally (restoration's context runs across pages).
The join refuses parts that disagree on the file's content (it changed while being read).
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError, MissingInputError
from .worker import failure, make_outputs

SHARED_STORAGE_HINT = ("inputs and OUTDIR must be on storage every worker sees, at the same path "
                       "(a network share mounted alike on every machine)")


@dataclass
class Part:
    """What one worker read of a document: pages first..last, each page's lines."""
    first: int
    last: int
    sha256: str | None = None
    kind: str | None = None
    page_count: int = 0
    engine: str | None = None
    pages: list = field(default_factory=list)       # [ocr.PageReading]
    timings: dict = field(default_factory=dict)
    started: float = 0.0
    seconds: float = 0.0
    failure: dict | None = None                     # outcome fields when the range could not be read


def worker_report(outdir: str | None) -> dict:
    """Run on every worker as the client connects: which sohoa it runs, and whether it sees OUTDIR."""
    from .stamp import build_stamp
    sees = outdir is None or (os.path.isdir(outdir) and os.access(outdir, os.W_OK | os.X_OK))
    return {"stamp": build_stamp(), "host": socket.gethostname(), "sees_outdir": sees}


def not_on_this_worker(path: str, given: str, name: str) -> dict | None:
    """The failed outcome of an input the client could see and this worker cannot (storage that
    is not shared), or None when the worker sees it."""
    if os.path.exists(path):
        return None
    err = MissingInputError(f"is not on the worker on {socket.gethostname()}, although sohoa's client sees it "
                            f"as {path}", path=given, hint=SHARED_STORAGE_HINT)
    from .stamp import build_stamp
    return {"path": given, "name": name, "started": time.time(), "finished": time.time(), "seconds": 0.0,
            "stamp": build_stamp(), **failure(given, err)}


def process_whole(path: str, given: str, name: str, outdir: str, options, client_sees: bool) -> dict:
    """worker.process_one for a cluster: `path` is absolute (workers have their own working
    folders), `given` is the path as the user wrote it, which the plan records as a local run does."""
    from ..api import process_document

    if client_sees and (missing := not_on_this_worker(path, given, name)):
        return missing

    def make():
        result = process_document(path, options.with_(outdir=None))
        result.plan.source.path = given
        return result
    return make_outputs(given, name, outdir, options, make)


def process_for_api(path: str, given: str, options):
    """api.process on a worker: the Plan, its outputs written when options.outdir is set."""
    from ..api import process_document, write_outputs
    result = process_document(path, options.with_(outdir=None))
    result.plan.source.path = given
    if options.outdir is not None:
        write_outputs(result, Path(options.outdir), options)
    return result.plan


def read_part(path: str, given: str, first: int, last: int, options, client_sees: bool) -> Part:
    """Load and OCR pages first..last of a document. Never raises: a fault is the Part's `failure`."""
    from ..ingest import load_document
    from ..ocr import read_pages

    part = Part(first=first, last=last, started=time.time())
    t0 = time.perf_counter()
    if client_sees and (missing := not_on_this_worker(path, given, "")):
        part.failure = missing
        return part
    try:
        document = load_document(path, text_layer=options.text_layer, page_range=(first, last))
        t1 = time.perf_counter()
        part.pages, part.engine = read_pages(document, lang=options.lang, psm=options.psm, jobs=options.jobs)
        part.timings = {"ingest": t1 - t0, "ocr": time.perf_counter() - t1}
        part.sha256, part.kind, part.page_count = document.sha256, document.kind, document.page_count
    except Exception as e:   # noqa: BLE001 (reported as the document's failure by join_parts)
        part.failure = failure(given, e)
    part.seconds = time.perf_counter() - t0
    return part


def join_parts(path: str, given: str, name: str, outdir: str, options, *parts: Part) -> dict:
    """The outcome of a document read in parts: its outputs written from the joined pages, or
    the failure of its first part that failed (the error a local run, reading pages in order,
    would have met first)."""
    from ..api import finish_document, source_of
    from ..ocr import join_pages
    from .stamp import build_stamp

    parts = sorted(parts, key=lambda p: p.first)
    started = min(p.started for p in parts)
    read_seconds = sum(p.seconds for p in parts)
    failed = next((p for p in parts if p.failure), None)
    if failed is not None:
        outcome = {"path": given, "name": name, "started": started, "stamp": build_stamp(),
                   **{k: v for k, v in failed.failure.items() if k not in ("path", "name", "started", "stamp")}}
        outcome.update(seconds=round(read_seconds, 4), finished=time.time())
        return outcome

    def make():
        first = parts[0]
        pages = [page for part in parts for page in part.pages]
        if (any(p.sha256 != first.sha256 or p.page_count != first.page_count for p in parts)
                or [page.number for page in pages] != list(range(1, first.page_count + 1))):
            raise InputFileError("changed while it was being read (its parts disagree)", path=given,
                                 hint="run sohoa again once the file is no longer being written")
        engine = next((p.engine for p in parts if p.engine), None)
        raw = join_pages(pages, engine=engine, lang=options.lang)
        source = source_of(given, first.sha256, first.kind, first.page_count, raw)
        timings = {stage: round(sum(p.timings.get(stage, 0.0) for p in parts), 4) for stage in ("ingest", "ocr")}
        return finish_document(Path(path), raw, source, options.with_(outdir=None), timings=timings)

    outcome = make_outputs(given, name, outdir, options, make, started=started)
    outcome["seconds"] = round(outcome["seconds"] + read_seconds, 4)   # the document's work on all workers
    outcome["parts"] = len(parts)
    return outcome


def split_pages(count: int, per_task: int) -> list[tuple[int, int]]:
    """Page ranges (first, last), 1-based and inclusive, of at most `per_task` pages each and as
    even as can be (23 pages by 10: 8 + 8 + 7, not 10 + 10 + 3, so no part lags behind)."""
    per_task = max(1, per_task)
    n = -(-count // per_task)
    base, extra = divmod(count, n)
    ranges, first = [], 1
    for i in range(n):
        size = base + (1 if i < extra else 0)
        ranges.append((first, first + size - 1))
        first += size
    return ranges
