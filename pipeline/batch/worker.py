"""What a batch worker process does: process one input, write its outputs, report back.

Workers never touch the manifest; they return a plain dict (an "outcome") to the parent, which
records it once the outputs are on disk. The heavy stages (OpenCV, Tesseract wrapper, the
restoration engine, the parser, python-docx) are imported once per worker by `init_worker`,
not once per file.
"""
from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

from ..errors import ExitCode, SohoaError


def warm_up() -> None:
    """Import and initialise the stages now, so the first file costs no more than the others.
    Failures are left for the files themselves to report (e.g. a missing Tesseract)."""
    import importlib
    for module in ("pipeline.ingest.image", "pipeline.ingest.pdf", "pipeline.ingest.text", "pipeline.ocr.tesseract",
                   "pipeline.restore.engine", "pipeline.restore.quality", "pipeline.parse",
                   "pipeline.export.json_plan", "pipeline.export.text", "pipeline.export.docx"):
        try:
            importlib.import_module(module)
        except Exception:   # noqa: BLE001 (reported per file instead)
            pass
    try:
        from ..restore import restore_string
        restore_string("kế hoạch")          # loads the restoration engine's data once
        from ..parse.assignments import pipeline as assignment_pipeline
        assignment_pipeline()               # spaCy: ~1.5 s, else paid by the first plan with assignments
    except Exception:   # noqa: BLE001
        pass


def init_worker(environment: dict[str, str] | None = None, main_pid: int | None = None) -> None:
    """Start a worker. Workers come from a fork server started once per process, with the
    environment of that moment; `environment` is the parent's now, so PATH, TESSDATA_PREFIX or
    OMP_THREAD_LIMIT changed since (by a caller of the Python API) reach the workers too.
    `main_pid`, the run's main process: the worker dies with it (lifeline.py)."""
    from .lifeline import bind_worker
    bind_worker(main_pid)
    if environment is not None:
        os.environ.clear()
        os.environ.update(environment)
    warm_up()


def count_targets(plan) -> tuple[int, int]:
    return len(plan.targets), sum(len(t.breakdown) for t in plan.targets)


def process_one(path: str, name: str, outdir: str, options) -> dict:
    """Process one input and write its outputs as OUTDIR/<name>.<ext>. Never raises for a bad
    input: the outcome says `done` or `failed` (with the error, its class and exit code)."""
    from ..api import process_document
    return make_outputs(path, name, outdir, options, lambda: process_document(path, options.with_(outdir=None)))


def make_outputs(path: str, name: str, outdir: str, options, make_result, *, started: float | None = None) -> dict:
    """The outcome of `make_result()` (a DocumentResult) with its outputs written as
    OUTDIR/<name>.<ext>, or of the error it raised. `started`: when the document's first part
    began, if it was read in parts elsewhere."""
    from ..api import write_outputs
    from ..export.metadata import metadata_row
    from .stamp import build_stamp

    t0 = time.perf_counter()
    outcome: dict = {"path": path, "name": name, "started": started or time.time(), "stamp": build_stamp()}
    try:
        result = make_result()
        t = time.perf_counter()
        written = write_outputs(result, Path(outdir), options, name=name)
        result.timings["export"] = round(time.perf_counter() - t, 4)
        plan = result.plan
        targets, breakdown = count_targets(plan)
        outcome.update(
            status="done", sha256=plan.source.sha256, pages=plan.source.pages, targets=targets,
            breakdown=breakdown, mean_confidence=plan.quality.mean_confidence,
            low_confidence=len(plan.quality.low_confidence), timings=result.timings,
            # what the report should say: formats skipped, and what a reviewer must check
            notes=result.notes + plan.quality.warnings, warnings=plan.quality.warnings,
            outputs={fmt: Path(p).relative_to(outdir).as_posix() for fmt, p in written.items()},
            metadata=metadata_row(plan, path))
    except Exception as e:   # noqa: BLE001 (a bug on one input must not stop the batch)
        outcome.update(failure(path, e))
    outcome["seconds"] = round(time.perf_counter() - t0, 4)
    outcome["finished"] = time.time()
    return outcome


def failure(path: str, e: Exception) -> dict:
    """The outcome fields of a failed input: a SohoaError as the user should see it, anything
    else as the bug it is."""
    if isinstance(e, SohoaError):
        # the error names the input, and also the output when it is about one
        named = e.path is not None and Path(e.path) == Path(path)
        return dict(status="failed", error=e.render() if named else f"{path}: {e.render()}", error_code=e.code,
                    exit_code=int(e.exit_code), error_class=f"{type(e).__module__}:{type(e).__qualname__}",
                    message=e.message, error_path=e.path, hint=e.hint, traceback=traceback.format_exc())
    return dict(status="failed", error_code="E000", exit_code=int(ExitCode.INTERNAL),
                error=f"{path}: internal error: {type(e).__name__}: {e} "
                      "(this is a bug; rerun with --verbose and report the output)",
                traceback=traceback.format_exc())


def rebuild_error(outcome: dict) -> SohoaError:
    """The SohoaError a worker reported, as an exception again (to stop the batch with it)."""
    import importlib
    from .. import errors
    module, _, qualname = (outcome.get("error_class") or "").partition(":")
    try:
        cls = getattr(importlib.import_module(module), qualname)
    except (ImportError, AttributeError, ValueError):
        cls = None
    if not (isinstance(cls, type) and issubclass(cls, SohoaError)):
        cls = errors.MissingDependencyError
    return cls(outcome.get("message") or outcome.get("error") or "failed",
               path=outcome.get("error_path"), hint=outcome.get("hint"))
