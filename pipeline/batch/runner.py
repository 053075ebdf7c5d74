"""Run the batch's tasks in worker processes, surviving workers that die.

A worker that crashes (killed for lack of memory, a segfault in a native library) breaks the
whole process pool, and every file then in flight comes back failed, not only the one at fault.
So the files that were in flight are retried one at a time in a fresh pool: one that crashes
again, alone, is the culprit and is reported failed; the others are processed normally.

Workers are started with the `forkserver` method: a clean process that does not inherit the
parent's threads, open manifest or lock file. They die with the run (lifeline.py), even when it
is killed with SIGKILL; a run that stops early (Ctrl-C, SIGTERM, a full disk) stops them
itself before it returns, so no worker writes anything after the run has ended.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Callable

from ..errors import InputFileError
from .worker import init_worker, process_one


@dataclass(frozen=True)
class Task:
    path: str           # the input, as given
    key: str            # its manifest key
    name: str           # output name below OUTDIR
    outdir: str
    options: object     # ProcessOptions for this file (its share of the --jobs budget in .jobs)


def crash_outcome(task: Task) -> dict:
    err = InputFileError("processing it made the worker process crash (killed by the system, "
                         "perhaps for lack of memory, or a fault in a native library)",
                         path=task.path, hint="check the file opens in an image/PDF viewer; "
                                               "try it alone with --jobs 1, or on a machine with more memory")
    return {"path": task.path, "name": task.name, "status": "failed", "error": err.render(),
            "error_code": err.code, "exit_code": int(err.exit_code), "traceback": None}


def _pool(workers: int) -> ProcessPoolExecutor:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.batch.forkserver_preload"])
    else:                     # Windows: no fork at all
        ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                               initargs=(dict(os.environ), os.getpid()))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: files in flight are abandoned (their temporary files are removed by
    the caller once the workers are gone), no worker outlives this call.
    ProcessPoolExecutor has no public way to end its workers before Python 3.14
    (terminate_workers), hence its `_processes`."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + 5
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1)


def _call(task: Task) -> dict:
    return process_one(task.path, task.name, task.outdir, task.options)


def run_tasks(tasks: list[Task], workers: int, on_outcome: Callable[[Task, dict], bool]) -> None:
    """Process every task; `on_outcome(task, outcome)` is called in the parent as each finishes,
    in completion order, and returns False to stop the batch (the files in flight still finish
    and are reported). An exception (KeyboardInterrupt included) stops the workers at once,
    then propagates."""
    if not tasks:
        return
    if workers <= 1 and len(tasks) == 1:
        # One file: no pool to start (it could not isolate a crash anyway: the crash is the run's).
        on_outcome(tasks[0], _call(tasks[0]))
        return

    pending = deque(tasks)
    suspects: deque[Task] = deque()       # were in flight when the pool broke: retried alone
    running: dict = {}
    stopping = False
    pool = _pool(workers)
    try:
        while running or (not stopping and (pending or suspects)):
            if not stopping:
                if suspects:
                    if not running:
                        task = suspects.popleft()
                        running[pool.submit(_call, task)] = (task, True)
                else:
                    while pending and len(running) < workers:
                        task = pending.popleft()
                        running[pool.submit(_call, task)] = (task, False)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken: list[tuple[Task, bool]] = []
            for future in done:
                task, alone = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken.append((task, alone))
                    continue
                if not on_outcome(task, outcome):
                    stopping = True
            if broken:
                # The other futures of a broken pool fail too: collect them, start a new pool.
                for future, (task, alone) in list(running.items()):
                    if future.done() and not future.cancelled() and future.exception() is None:
                        if not on_outcome(task, future.result()):   # finished just before the break
                            stopping = True
                    else:
                        broken.append((task, alone))
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(workers)
                for task, alone in broken:
                    if alone:
                        if not on_outcome(task, crash_outcome(task)):
                            stopping = True
                    else:
                        suspects.append(task)
    except BaseException:           # Ctrl-C, SIGTERM, the manifest failing: stop the workers first
        stop_pool(pool)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
