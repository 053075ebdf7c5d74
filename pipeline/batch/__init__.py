"""batch: `sohoa process` over many inputs, in parallel, resumable; one bad input never stops the others.

    run_batch([Path("scans")], ProcessOptions(outdir=Path("out"), jobs=4))

- Folders are walked recursively (inputs.py, which also fixes each input's output name).
- A manifest in OUTDIR (manifest.py) records every input: a rerun skips inputs whose content and
  options are unchanged and whose outputs are still there (`force` redoes them); a run killed at
  any moment leaves no torn output and the next run finishes the rest.
- Files are processed by worker processes (runner.py, worker.py); the parent alone writes the
  manifest, the progress (progress.py) and, at the end, OUTDIR/report.csv and report.html (report.py)
  and the archive's metadata sheet OUTDIR/metadata.csv (export/metadata.py).

Every end of a run says what was done and what was not: a normal end, Ctrl-C (exit 130),
SIGTERM (handled as Ctrl-C, exit 143), a manifest that cannot be written (a full disk, exit 4)
or a missing dependency (exit 3) all stop the workers, write the reports they can and print the
counts, with "not run" for the inputs left to do, which the next run with the same arguments
takes up. A broken progress stream (stderr closed) is no reason to stop (progress.SafeStream).

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
import signal
import stat
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..errors import ClusterError, ExitCode, OutputError, Terminated, UsageError, printable
from .inputs import BatchInput, allot_names, expand_inputs
from .manifest import MANIFEST_NAME, Entry, Manifest, iso_now

__all__ = ["run_batch", "expand_inputs", "default_jobs", "share_jobs", "MANIFEST_NAME"]

LOCK_NAME = ".sohoa.lock"


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
    """The content's sha256, or None when it cannot be read (the worker then says why). Only a
    regular file is read: opening a named pipe would block until something writes to it."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


@contextmanager
def batch_lock(outdir: Path):
    """One run at a time per OUTDIR (a POSIX record lock: released even if the run is killed,
    and not inherited by worker processes). The lock file is opened without following a link:
    a `.sohoa.lock` linked to a file elsewhere must not make sohoa create or open that file."""
    try:
        import fcntl
    except ImportError:       # not POSIX: no locking
        yield
        return
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(outdir / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as e:
        if (outdir / LOCK_NAME).is_symlink():
            raise OutputError("is a symbolic link: sohoa will not follow it", path=outdir / LOCK_NAME,
                              hint="remove the link, or choose another folder with -o") from None
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


def output_folders(outdir: Path, names) -> set[Path]:
    """The folders sohoa writes to: OUTDIR and the folder of every output name, each only if
    it is a real folder below OUTDIR (a linked subfolder is no folder of ours)."""
    root = outdir.resolve()
    folders = {outdir}
    for name in names:
        folder = (outdir / name).parent
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.resolve().relative_to(root) is not None:
                folders.add(folder)
        except (ValueError, OSError):
            continue
    return folders


def remove_partial_files(outdir: Path, names=()) -> int:
    """Remove the temporary files a killed run left (export.atomic: `.<name>.sohoa-<random>.part`),
    only sohoa's own, only in the folders sohoa writes to (OUTDIR and its outputs' folders),
    never elsewhere below OUTDIR."""
    from ..export.atomic import is_temporary_file

    removed = 0
    for folder in output_folders(outdir, names):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if is_temporary_file(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                    removed += 1
                except OSError:
                    pass
    return removed


def refuse_outdir_as_input(paths: list[Path], outdir: Path) -> None:
    """A folder given as input that is OUTDIR, or lies inside it: its outputs would become inputs
    (outputs of a run are never read as inputs, so nothing would be left to do)."""
    root = outdir.resolve()
    for p in paths:
        if not p.is_dir():
            continue
        try:
            p.resolve().relative_to(root)
        except ValueError:
            continue
        where = "is the output folder" if p.resolve() == root else f"lies inside the output folder {outdir}"
        raise UsageError(f"{where}: its outputs would be taken for inputs", path=p,
                         hint="write the outputs to another folder with -o (e.g. -o converted)")


@contextmanager
def sigterm_as_interrupt():
    """SIGTERM (`kill`, a service manager, a job scheduler's time limit) ends the run as Ctrl-C
    does: errors.Terminated is raised in the main thread, and the run stops its workers, writes
    its reports and says what was done. Only from the main thread (where signals are delivered)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    # file names that are not UTF-8 as \xNN, as in the report (the sheet is UTF-8)
    sheet = [{k: printable(v) if isinstance(v, str) else v for k, v in r.items()} for r in sheet]
    return write_metadata(outdir, sheet, excel=excel)


def _print_summary(stream, counts: dict, rows: list[dict], seconds: float, workers: int, reports,
                   stopped: BaseException | None = None, report_error: BaseException | None = None,
                   warned: dict | None = None) -> None:
    not_run = f", {counts['not run']} not run" if counts.get("not run") else ""
    print(f"sohoa: {counts['inputs']} input(s): {counts['done']} done, {counts['skipped']} skipped (unchanged), "
          f"{counts['failed']} failed{not_run} in {seconds:.1f} s ({workers} worker{'s' if workers > 1 else ''})",
          file=stream)
    failures = [r for r in rows if r["status"] == "failed"]
    if failures:
        print("failed:", file=stream)
        for r in failures:
            print(f"  {r['error']}", file=stream)
    if warned:
        print("to check:", file=stream)
        for path, warnings in warned.items():
            print(f"  {path}: {'; '.join(warnings)}", file=stream)
    if stopped is not None:
        why = ("terminated (SIGTERM)" if isinstance(stopped, Terminated) else
               "interrupted (Ctrl-C)" if isinstance(stopped, KeyboardInterrupt) else
               stopped.render() if hasattr(stopped, "render") else str(stopped))
        print(f"stopped: {why}; the {counts.get('not run', 0)} input(s) not run are done by the next run "
              "with the same arguments", file=stream)
    if reports:
        print("report: " + ", ".join(map(str, reports)), file=stream)
    elif report_error is not None:
        print(f"report: not written: {report_error.render() if hasattr(report_error, 'render') else report_error}",
              file=stream)


def run_batch(paths: list[Path], options, *, verbose: bool = False, stream=None, bar: bool | None = None) -> int:
    """Process every input; returns the exit code (0; 4 if any input failed; 1 if one hit a bug).
    Raises MissingDependencyError (exit 3) when a dependency is missing: every file would fail;
    KeyboardInterrupt (errors.Terminated for SIGTERM) when interrupted, and OutputError when the
    manifest cannot be written, each after the summary."""
    from .progress import SafeStream

    stream = SafeStream(stream if stream is not None else sys.stderr)
    outdir = Path(options.outdir if options.outdir is not None else "output")
    refuse_outdir_as_input(paths, outdir)
    with sigterm_as_interrupt():
        inputs = expand_inputs(paths, skip_folder=outdir)
        if not inputs:
            raise UsageError("no supported input files found in " + ", ".join(map(str, paths)),
                             hint="give .txt, .png, .jpg, .jpeg, .tif, .tiff or .pdf files, or folders holding them")
        return _run(inputs, outdir, options, verbose=verbose, stream=stream, bar=bar)


def _run(inputs: list[BatchInput], outdir: Path, options, *, verbose: bool, stream, bar) -> int:
    from .progress import Progress
    from .report import refused_row, report_row, write_reports
    from .runner import Task, run_tasks
    from .worker import rebuild_error

    t_start = time.perf_counter()
    status: dict[str, str] = {}          # key -> done / failed, for the inputs processed by this run
    bug = False
    stop: list = []                      # the missing-dependency error that stops the run
    stopped: BaseException | None = None  # Ctrl-C, SIGTERM or a manifest error that ended it early
    warned: dict[str, list[str]] = {}    # input -> what a reviewer must check (quality.warnings)
    refused = [i for i in inputs if i.problem is not None]
    readable = [i for i in inputs if i.problem is None]
    skipped: set[str] = set()
    names: dict[str, str] = {}
    workers = 1
    reports = report_error = None
    with batch_lock(outdir), ExitStack() as stack:
        manifest = Manifest(outdir)
        try:
            progress = None
            try:
                names = allot_names(readable, manifest.names(), outdir)
                remove_partial_files(outdir, [*manifest.names(), *names.values()])
                manifest.register([(i.key, str(i.path), names[i.key]) for i in readable])
                fingerprint = options_fingerprint(options)
                todo, skipped, shas = _to_do(readable, manifest, outdir, fingerprint, options.force)
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
                tasks = [Task(path=str(i.path), key=i.key, name=names[i.key], outdir=str(outdir),
                              options=file_options) for i in todo]

                progress = Progress(len(tasks) + len(refused), stream=stream, bar=bar, verbose=verbose)
                for item in refused:
                    progress.finished({"status": "failed", "path": str(item.path), "error": item.problem.render()})
                if skipped:
                    progress.line(f"sohoa: {len(skipped)} input(s) unchanged since the last run, skipped "
                                  "(--force redoes them)")
                    for item in readable:
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
                    if outcome.get("warnings"):
                        warned[task.path] = outcome["warnings"]
                    bug |= failed and outcome.get("exit_code") == ExitCode.INTERNAL
                    progress.finished(outcome)
                    return True

                try:
                    run(tasks, workers, on_outcome)
                except ClusterError as e:        # the scheduler went away: report what was done
                    stop.append(e)
            except (KeyboardInterrupt, OutputError) as e:
                stopped = e
                # the workers are stopped (run_tasks): remove what they were writing
                remove_partial_files(outdir, names.values())
            finally:
                if progress is not None:
                    progress.close()

            rows = [refused_row(str(i.path), i.problem.render()) if i.problem is not None else
                    report_row(str(i.path), "skipped" if i.key in skipped else status.get(i.key, "not run"),
                               manifest.get(i.key) if i.key in names else None)
                    for i in inputs]
            counts = {"inputs": len(inputs), "done": 0, "skipped": 0, "failed": 0, "not run": 0}
            for r in rows:
                counts[r["status"]] += 1
            try:
                reports = write_reports(outdir, rows, {k: v for k, v in counts.items() if v or k != "not run"})
                reports += tuple(write_sheet(outdir, inputs, rows, manifest, excel=getattr(options, "excel", False)))
            except OutputError as e:
                report_error = e
        finally:
            try:
                manifest.close()
            except Exception:   # noqa: BLE001 (closing cannot lose anything committed)
                pass

    _print_summary(stream, counts, rows, time.perf_counter() - t_start, workers, reports, stopped, report_error,
                   warned)
    if stopped is not None:
        raise stopped
    if stop:
        raise stop[0]
    if bug:
        return ExitCode.INTERNAL
    return ExitCode.INPUT_FAILED if counts["failed"] else ExitCode.OK
