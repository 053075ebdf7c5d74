"""batch: `sohoa process` over many inputs, in parallel, resumable; one bad input never stops the others.

    run_batch([Path("scans")], ProcessOptions(outdir=Path("out"), jobs=4))

- Folders are walked recursively (inputs.py, which also fixes each input's output name).
- A manifest in OUTDIR (manifest.py) records every input: a rerun skips inputs whose content and
  options are unchanged and whose outputs are still there (`force` redoes them); a run killed at
  any moment leaves no torn output and the next run finishes the rest.
- Files are processed by worker processes (runner.py, worker.py); the parent alone writes the
  manifest, the progress (progress.py) and, at the end, OUTDIR/report.csv and report.html (report.py)
  and the archive's metadata sheet OUTDIR/metadata.csv (export/metadata.py).

The --jobs budget (ProcessOptions.jobs) is shared between files and pages: with at least as many
files to do as jobs, each of `jobs` workers takes one file at a time and reads its pages one after
another; with fewer files than jobs, each file gets `jobs // files` for its pages
(process_document passes options.jobs on to the OCR stage). A single multi-page file therefore
gets every job for its pages, and many files never run more than `jobs` Tesseracts at once.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..errors import ClusterError, ExitCode, UsageError
from .inputs import BatchInput, allot_names, expand_inputs
from .manifest import MANIFEST_NAME, Entry, Manifest, iso_now

__all__ = ["run_batch", "expand_inputs", "default_jobs", "share_jobs", "MANIFEST_NAME"]

LOCK_NAME = ".sohoa.lock"
# Temporary files of export/atomic.py (".<name>.<random>.part") that a killed run left behind.
_PARTIAL = re.compile(r"^\..+\.(json|docx|txt|pdf|xml|csv|html|xlsx|gz)\.[^.]+\.part$")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def share_jobs(budget: int | None, files: int) -> tuple[int, int]:
    """(worker processes, jobs for each file's pages) for a budget of `budget` jobs: never more
    workers than files, and what the workers leave goes to the pages of each file."""
    budget = max(1, int(budget or 1))
    workers = max(1, min(budget, files))
    return workers, max(1, budget // workers)


def options_fingerprint(options) -> str:
    """What, besides the input's content, decides its outputs. A change redoes the input."""
    from .. import __version__
    shape = {"formats": sorted(options.formats), "lang": options.lang, "psm": options.psm,
             "text_layer": options.text_layer,
             "tone_style": options.tone_style, "review": options.review, "sohoa": __version__}
    if "pdf" in options.formats:          # only then: other runs keep their fingerprints
        shape["pdfa"] = options.pdfa
    if getattr(options, "corrections", None) is not None:       # likewise
        from ..restore.corrections import load_corrections
        shape["corrections"] = load_corrections(options.corrections).fingerprint
    return json.dumps(shape, sort_keys=True)


def sha256_of(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None           # the worker reports why, as an input error


@contextmanager
def batch_lock(outdir: Path):
    """One run at a time per OUTDIR (a POSIX record lock: released even if the run is killed,
    and not inherited by worker processes)."""
    try:
        import fcntl
    except ImportError:       # not POSIX: no locking
        yield
        return
    from ..errors import OutputError
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(outdir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise OutputError(f"cannot write here: {e.strerror}", path=outdir,
                          hint="choose another folder with -o, or fix its permissions") from None
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError("another sohoa run is writing to this output folder", path=outdir,
                             hint="wait for it to finish, or choose another folder with -o") from None
        yield
    finally:
        os.close(fd)


def remove_partial_files(outdir: Path) -> int:
    removed = 0
    for f in outdir.rglob(".*.part"):
        if _PARTIAL.match(f.name) and f.is_file():
            try:
                f.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def _entry_from(task, outcome: dict, sha: str | None, fingerprint: str) -> Entry:
    done = outcome["status"] == "done"
    stamp = outcome.get("stamp") or {}     # the sohoa and models of the worker that made the outputs
    return Entry(
        key=task.key, path=task.path, name=task.name, status=outcome["status"],
        sha256=outcome.get("sha256") or sha, options=fingerprint,
        error=None if done else outcome.get("error"), error_code=None if done else outcome.get("error_code"),
        pages=outcome.get("pages"), targets=outcome.get("targets"), breakdown=outcome.get("breakdown"),
        mean_confidence=outcome.get("mean_confidence"), low_confidence=outcome.get("low_confidence"),
        outputs=outcome.get("outputs"), timings=outcome.get("timings"), seconds=outcome.get("seconds"),
        metadata=outcome.get("metadata") if done else None,
        notes=outcome.get("notes") or None,
        started=iso_now(outcome["started"]) if outcome.get("started") else None,
        finished=iso_now(outcome["finished"]) if outcome.get("finished") else iso_now(),
        sohoa=stamp.get("sohoa"), models=stamp.get("models"))


def _to_do(inputs: list[BatchInput], manifest: Manifest, outdir: Path, fingerprint: str,
           force: bool) -> tuple[list[BatchInput], set[str], dict[str, str | None]]:
    """(inputs to process, keys of those to skip, sha256 of each input). An input is skipped when
    the manifest has it done, with the same content and options, by this sohoa and its models
    (stamp.py), and its outputs still exist."""
    from .stamp import build_stamp
    stamp = build_stamp()
    todo, skipped, shas = [], set(), {}
    for item in inputs:
        shas[item.key] = sha = sha256_of(item.path)
        entry = manifest.get(item.key)
        if (not force and entry is not None and entry.status == "done" and sha is not None
                and entry.sha256 == sha and entry.options == fingerprint and entry.made_by(stamp)
                and entry.outputs_present(outdir)):
            skipped.add(item.key)
        else:
            todo.append(item)
    return todo, skipped, shas


def write_sheet(outdir: Path, inputs: list[BatchInput], rows: list[dict], manifest: Manifest, *,
                excel: bool = False) -> list[Path]:
    """OUTDIR/metadata.csv (and .xlsx): one row per input of the run, in the report's order (the
    row is kept in the manifest, so an input skipped as unchanged keeps its row)."""
    from ..export.metadata import failed_row, metadata_row_from_json, write_metadata
    sheet = []
    for item, row in zip(inputs, rows):
        entry = manifest.get(item.key)
        if row["status"] in ("done", "skipped") and entry is not None:
            sheet.append(entry.metadata or metadata_row_from_json(outdir, entry.outputs, row["input"]))
        else:
            sheet.append(failed_row(row["input"], row.get("error"), row["status"]))
    return write_metadata(outdir, sheet, excel=excel)


def _print_summary(stream, counts: dict, rows: list[dict], seconds: float, workers: int, reports) -> None:
    not_run = f", {counts['not run']} not run" if counts.get("not run") else ""
    print(f"sohoa: {counts['inputs']} input(s): {counts['done']} done, {counts['skipped']} skipped (unchanged), "
          f"{counts['failed']} failed{not_run} in {seconds:.1f} s ({workers} worker{'s' if workers > 1 else ''})",
          file=stream)
    failures = [r for r in rows if r["status"] == "failed"]
    if failures:
        print("failed:", file=stream)
        for r in failures:
            print(f"  {r['error']}", file=stream)
    print("report: " + ", ".join(map(str, reports)), file=stream)


def run_batch(paths: list[Path], options, *, verbose: bool = False, stream=None, bar: bool | None = None) -> int:
    """Process every input; returns the exit code (0; 4 if any input failed; 1 if one hit a bug).
    Raises MissingDependencyError (exit 3) when a dependency is missing: every file would fail."""
    from .progress import Progress
    from .report import report_row, write_reports
    from .runner import Task, run_tasks
    from .worker import rebuild_error

    stream = stream if stream is not None else sys.stderr
    outdir = Path(options.outdir if options.outdir is not None else "output")
    inputs = expand_inputs(paths, skip_folder=outdir)
    if not inputs:
        raise UsageError("no supported input files found in " + ", ".join(map(str, paths)),
                         hint="give .txt, .png, .jpg, .jpeg, .tif, .tiff or .pdf files, or folders holding them")
    t_start = time.perf_counter()
    status: dict[str, str] = {}          # key -> done / failed, for the inputs processed by this run
    bug = False
    stop: list = []                      # the missing-dependency error that stops the run
    with batch_lock(outdir), ExitStack() as stack:
        remove_partial_files(outdir)
        manifest = Manifest(outdir)
        try:
            names = allot_names(inputs, manifest.names(), outdir)
            manifest.register([(i.key, str(i.path), names[i.key]) for i in inputs])
            fingerprint = options_fingerprint(options)
            todo, skipped, shas = _to_do(inputs, manifest, outdir, fingerprint, options.force)
            if options.scheduler and todo:
                # A Dask cluster's workers take the documents (cluster.py); without one to do,
                # no connection is made. Each document is read by one worker thread.
                from .cluster import connect
                cluster = stack.enter_context(connect(options.scheduler, outdir=outdir, verbose=verbose))
                run, workers, per_file = cluster.run_tasks, cluster.threads(), 1
            else:
                run = run_tasks
                workers, per_file = share_jobs(options.jobs, len(todo))
            file_options = options.with_(jobs=per_file, outdir=outdir)
            tasks = [Task(path=str(i.path), key=i.key, name=names[i.key], outdir=str(outdir), options=file_options)
                     for i in todo]

            progress = Progress(len(tasks), stream=stream, bar=bar, verbose=verbose)
            if skipped:
                progress.line(f"sohoa: {len(skipped)} input(s) unchanged since the last run, skipped "
                              "(--force redoes them)")
                for item in inputs:
                    if verbose and item.key in skipped:
                        progress.line(f"skip  {item.path}")

            def on_outcome(task, outcome: dict) -> bool:
                nonlocal bug
                failed = outcome["status"] != "done"
                if failed and outcome.get("exit_code") == ExitCode.MISSING_DEPENDENCY:
                    stop.append(rebuild_error(outcome))   # not the file's fault: it stays pending
                    return False
                manifest.record(_entry_from(task, outcome, shas.get(task.key), fingerprint))
                status[task.key] = outcome["status"]
                bug |= failed and outcome.get("exit_code") == ExitCode.INTERNAL
                progress.finished(outcome)
                return True

            try:
                run(tasks, workers, on_outcome)
            except ClusterError as e:        # the scheduler went away: report what was done
                stop.append(e)
            finally:
                progress.close()

            rows = [report_row(str(i.path), "skipped" if i.key in skipped else status.get(i.key, "not run"),
                               manifest.get(i.key)) for i in inputs]
            counts = {"inputs": len(inputs), "done": 0, "skipped": 0, "failed": 0, "not run": 0}
            for r in rows:
                counts[r["status"]] += 1
            reports = write_reports(outdir, rows, {k: v for k, v in counts.items() if v or k != "not run"})
            reports += tuple(write_sheet(outdir, inputs, rows, manifest, excel=getattr(options, "excel", False)))
        finally:
            manifest.close()

    _print_summary(stream, counts, rows, time.perf_counter() - t_start, workers, reports)
    if stop:
        raise stop[0]
    if bug:
        return ExitCode.INTERNAL
    return ExitCode.INPUT_FAILED if counts["failed"] else ExitCode.OK
