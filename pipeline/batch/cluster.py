"""The batch on a Dask cluster: `sohoa process INPUT... -o OUTDIR --scheduler tcp://HOST:PORT`.

`connect()` opens a `distributed.Client` to the user's scheduler and checks, before any document
is sent, that the cluster can do the work: workers have joined, every one runs the same sohoa
and models as this client (stamp.py: mixed versions would make a batch of mixed outputs), and
every one sees OUTDIR. It registers a worker plugin that loads the stages once per worker
process (worker.warm_up), also on workers that join or restart later. `Cluster.run_tasks` has
the contract of runner.run_tasks, so run_batch keeps the manifest, the progress, the reports and
the exit codes as for a local run; the workers run the functions of remote.py.

Decisions:
- The client only connects out: a distributed Client opens no listening socket, and nothing is
  served to the workers (tasks carry paths; workers read and write on shared storage).
- A window of documents in flight (WINDOW_PER_THREAD per worker thread, counted again as workers
  come and go): the client and the scheduler hold a few tasks, not a million, and Ctrl-C has
  little to cancel.
- A result is read, and its future released, as soon as it is done: Dask recomputes a lost result
  that a client still holds, and a document written once must not be written again because its
  worker died later.
- A worker that dies mid-document: Dask runs the task again on another worker, up to
  `distributed.scheduler.allowed-failures` (3) deaths; then the document is reported as a crash,
  as a local run reports it. Outputs are written atomically, so a death mid-write tears nothing.
- A document of more than `pages_per_task` pages (a PDF or a multi-page TIFF) is read in parts by
  several workers and joined on one (remote.py says why the plan is the one a local run makes).
- The scheduler gone mid-run: the run stops with ClusterError (exit 3), the reports and the
  manifest list what was done, and the same command resumes.
- Ctrl-C cancels every future. Documents a worker had already begun are finished there and
  written whole (Dask cannot stop a running task); the manifest does not list them, so the next
  run does them again.
- Connection timeouts are Dask's own (`distributed.comm.timeouts.connect`, 30 s; the environment
  variable DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT sets it), and so is security: a `tls://`
  address uses the TLS settings of the Dask configuration.
"""
from __future__ import annotations

import logging
import os
import queue
import re
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from ..errors import ClusterError, MissingDependencyError, UsageError
from .remote import SHARED_STORAGE_HINT, join_parts, process_whole, read_part, split_pages, worker_report
from .runner import Task, crash_outcome
from .worker import failure, warm_up

WINDOW_PER_THREAD = 2          # documents in flight per worker thread: one running, one queued
# Seconds to wait for a first worker to join the scheduler, and for one to come back when every
# worker has left mid-run (the run then stops with E212 rather than wait forever; the manifest
# keeps what was done). SOHOA_WORKERS_WAIT sets it (a site whose workers restart slowly).
WORKERS_WAIT = float(os.environ.get("SOHOA_WORKERS_WAIT", "60"))
POLL = 1.0                     # seconds between checks that the scheduler is still there
_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")
START_HINT = "start one with `dask scheduler`, and workers with `dask worker tcp://HOST:PORT --nthreads 1`"


class SchedulerUnreachableError(ClusterError):
    code = "E210"


class SchedulerLostError(ClusterError):
    code = "E211"


class ClusterWorkersError(ClusterError):
    code = "E212"


def scheduler_address(text: str) -> str:
    """`tcp://HOST:PORT` (or tls://), checked; a bare HOST:PORT is taken as tcp://."""
    address = text.strip()
    if "://" not in address:
        address = "tcp://" + address
    m = _ADDRESS.match(address)
    if not m or not 0 < int(m.group(3)) < 65536:
        raise UsageError(f"--scheduler {text!r} is not the address of a Dask scheduler",
                         hint="give tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786, as `dask scheduler` prints it")
    return address


def _distributed():
    try:
        import distributed
    except ImportError:
        raise MissingDependencyError("--scheduler needs Dask's `distributed` package, which is not installed",
                                     hint="pip install 'sohoa[cluster]' (make run and make test install it)") from None
    return distributed


@contextmanager
def _dask_logs(verbose: bool):
    """distributed logs its connection troubles with tracebacks, through handlers of its own
    loggers; sohoa reports them as one line, so they are shown with --verbose only."""
    handlers = {h for name in list(logging.root.manager.loggerDict) if name.split(".")[0] == "distributed"
                for h in logging.getLogger(name).handlers}
    levels = {h: h.level for h in handlers}
    if not verbose:
        for h in handlers:
            h.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for h, level in levels.items():
            h.setLevel(level)


@contextmanager
def connect(scheduler: str, *, outdir: Path | None, verbose: bool = False):
    """A Cluster connected to the scheduler at `scheduler` and checked (see the module's
    docstring); the connection is closed on leaving."""
    distributed = _distributed()
    address = scheduler_address(scheduler)
    with _dask_logs(verbose):
        try:
            client = distributed.Client(address, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise SchedulerUnreachableError(f"cannot reach the Dask scheduler at {address} ({e})",
                                            hint=f"check the address and that it is running; {START_HINT}") from None
        try:
            cluster = Cluster(client, address, outdir)
            cluster.check()
            yield cluster
        finally:
            try:
                client.close(timeout=5)
            except Exception:   # noqa: BLE001 (the scheduler may be gone: nothing left to close)
                pass


try:
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:            # reported by connect(), which needs distributed anyway
    _WorkerPlugin = object


class WarmUp(_WorkerPlugin):
    """Load sohoa's stages in every worker process, once (a Dask worker plugin: it runs on every
    worker when registered, and on every worker that joins or restarts afterwards)."""
    name = "sohoa-warm-up"

    def setup(self, worker=None):
        warm_up()

    def teardown(self, worker=None):
        pass


class Cluster:
    def __init__(self, client, address: str, outdir: Path | None):
        self.client = client
        self.address = address
        self.outdir = Path(os.path.abspath(outdir)) if outdir is not None else None

    def threads(self) -> int:
        """Worker threads on the cluster now: the documents it can read at once."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:   # noqa: BLE001 (the scheduler cannot answer)
            raise self.lost() from None

    def check(self) -> None:
        """Refuse a cluster that cannot do the work, before any document is sent to it."""
        from .stamp import build_stamp
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_WAIT)
        except (TimeoutError, OSError):
            raise ClusterWorkersError(f"no worker joined the Dask scheduler at {self.address} "
                                      f"within {WORKERS_WAIT:.0f} s", hint=START_HINT) from None
        try:
            reports = self.client.run(worker_report, str(self.outdir) if self.outdir else None)
        except Exception as e:   # noqa: BLE001 (typically: the workers cannot import sohoa)
            raise ClusterWorkersError(f"the Dask workers cannot run sohoa ({type(e).__name__}: {e})",
                                      hint="start them from the same installation as this client, "
                                           "e.g. `.venv/bin/dask worker tcp://HOST:PORT --nthreads 1`") from None
        mine = build_stamp()
        for worker, report in sorted(reports.items()):
            if report["stamp"] != mine:
                raise ClusterWorkersError(
                    f"the worker {worker} ({report['host']}) runs sohoa {report['stamp']['sohoa']} with models "
                    f"{report['stamp']['models'][:12]}, this client sohoa {mine['sohoa']} with models "
                    f"{mine['models'][:12]}", hint="install the same sohoa on every worker and restart them")
            if not report["sees_outdir"]:
                raise ClusterWorkersError(f"the worker {worker} ({report['host']}) cannot write to the output "
                                          f"folder {self.outdir}", hint=SHARED_STORAGE_HINT)
        self.client.register_plugin(WarmUp(), name=WarmUp.name)

    # ------------------------------------------------------------------ the batch

    def submit(self, task: Task):
        """The future of the outcome of one document (its parts first, when it is long)."""
        from ..ingest import count_pages
        path = os.path.abspath(task.path)
        outdir = os.path.abspath(task.outdir)
        options = task.options
        if getattr(options, "corrections", None):        # a file the workers read too: by its full path
            options = options.with_(corrections=Path(os.path.abspath(options.corrections)))
        client_sees = os.path.exists(path)
        token = uuid.uuid4().hex[:12]
        pages = count_pages(path) if client_sees else 1
        if pages <= options.pages_per_task:
            return self.client.submit(process_whole, path, task.path, task.name, outdir, options, client_sees,
                                      key=f"sohoa-document-{token}")
        parts = [self.client.submit(read_part, path, task.path, first, last, options, client_sees,
                                    key=f"sohoa-pages-{first}-{last}-{token}")
                 for first, last in split_pages(pages, options.pages_per_task)]
        return self.client.submit(join_parts, path, task.path, task.name, outdir, options, *parts,
                                  key=f"sohoa-document-{token}")

    def outcome(self, future, task: Task) -> dict:
        from concurrent.futures import CancelledError

        from distributed import KilledWorker
        try:
            return future.result()
        except KilledWorker:                 # died on allowed-failures workers in turn
            return crash_outcome(task)
        except CancelledError:
            raise self.lost() from None
        except Exception as e:   # noqa: BLE001 (a worker could not run the task at all: a bug)
            return {"path": task.path, "name": task.name, **failure(task.path, e)}

    def lost(self) -> SchedulerLostError:
        return SchedulerLostError(f"lost the connection to the Dask scheduler at {self.address}",
                                  hint="the documents done so far are in the manifest and the reports; start the "
                                       "scheduler and workers again and rerun the same command to do the rest")

    def _check_workers_left(self, since: float | None, waiting: int) -> float | None:
        """When the scheduler has had no worker since `since` for WORKERS_WAIT seconds, stop:
        Dask would hold the documents forever. Returns the new `since` (None: workers are there)."""
        try:
            workers = len(self.client.nthreads())
        except Exception:   # noqa: BLE001 (the scheduler cannot answer)
            raise self.lost() from None
        if workers:
            return None
        now = time.monotonic()
        if since is None:
            return now
        if now - since > WORKERS_WAIT:
            raise ClusterWorkersError(
                f"every worker left the Dask scheduler at {self.address} and none came back within "
                f"{WORKERS_WAIT:.0f} s; {waiting} document(s) were waiting",
                hint="the documents done so far are in the manifest and the reports; start workers again "
                     "and rerun the same command to do the rest")
        return since

    def run_tasks(self, tasks: list[Task], workers: int, on_outcome: Callable[[Task, dict], bool]) -> None:
        """runner.run_tasks on the cluster: `on_outcome(task, outcome)` in this process as each
        document finishes, in completion order; False stops sending documents (those in flight
        still finish and are reported). `workers` is ignored: the window follows the cluster's
        threads. Raises SchedulerLostError when the scheduler goes away."""
        pending = list(reversed(tasks))
        running: dict = {}                      # future -> task
        finished: queue.Queue = queue.Queue()   # futures, as Dask's threads see them finish
        stopping = False
        no_workers_since: float | None = None
        try:
            while running or (pending and not stopping):
                room = WINDOW_PER_THREAD * self.threads() - len(running) if pending and not stopping else 0
                for _ in range(max(0, room)):
                    if not pending:
                        break
                    task = pending.pop()
                    future = self.submit(task)
                    running[future] = task
                    future.add_done_callback(finished.put)
                try:
                    future = finished.get(timeout=POLL)
                except queue.Empty:
                    if self.client.status not in ("running", "connecting"):
                        raise self.lost() from None
                    no_workers_since = self._check_workers_left(no_workers_since, len(running))
                    continue
                task = running.pop(future)
                outcome = self.outcome(future, task)
                future.release()
                if not on_outcome(task, outcome):
                    stopping = True
        except BaseException:                   # Ctrl-C, the scheduler gone: drop what is left
            if running:
                try:
                    self.client.cancel(list(running), force=True)
                except Exception:   # noqa: BLE001 (the scheduler may be gone)
                    pass
            raise
        if self.outdir is not None:
            from . import remove_partial_files
            remove_partial_files(self.outdir)   # of workers killed mid-write; every task is over


def process_on_cluster(path: str | Path, options):
    """api.process with `scheduler`: one document, read by a worker of the cluster; its Plan.
    With options.outdir, the worker writes the outputs there too."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    from ..errors import InputFileError
    from .remote import process_for_api
    outdir = Path(os.path.abspath(options.outdir)) if options.outdir is not None else None
    with connect(options.scheduler, outdir=outdir) as cluster:
        future = cluster.client.submit(process_for_api, os.path.abspath(path), str(path),
                                       options.with_(scheduler=None, jobs=1, outdir=outdir), pure=False)
        try:
            return future.result()
        except CancelledError:
            raise cluster.lost() from None
        except KilledWorker:
            raise InputFileError("processing it made every Dask worker that tried it crash", path=path,
                                 hint="check the file opens in an image/PDF viewer, or give the workers more memory") from None
