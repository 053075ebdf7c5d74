"""Worker processes die with the run that started them.

A batch's workers are children of multiprocessing's fork server, itself a child of the run's
main process. Killed with `kill -9`, the main process cannot stop them; left alone they would
go on for good (each waits on a queue whose other end they hold themselves) and keep writing
outputs after the run is dead. So:

- the fork server asks the kernel for SIGKILL when its parent, the main process, dies
  (Linux `prctl(PR_SET_PDEATHSIG)`; `forkserver_preload` does it when the server starts);
- each worker asks the same about its parent, the fork server, and also runs a watchdog thread
  that ends it within a second once the main process is gone (other systems, and the instant
  before prctl took effect).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1        # <linux/prctl.h>
WATCH_SECONDS = 1.0


def kill_me_with_parent() -> bool:
    """Linux: SIGKILL this process when its parent exits. False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # exists, but another user's: not ours any more, yet alive
        return True
    return True


def watch(main_pid: int, interval: float = WATCH_SECONDS) -> threading.Thread:
    """A daemon thread that ends this process at once when `main_pid` is gone or this process
    was handed to another parent (its own parent died)."""
    parent = os.getppid()

    def run() -> None:
        while True:
            if not _alive(main_pid) or os.getppid() != parent:
                os._exit(1)
            time.sleep(interval)

    thread = threading.Thread(target=run, name="sohoa-lifeline", daemon=True)
    thread.start()
    return thread


def bind_worker(main_pid: int | None) -> None:
    """Called first in every worker: die with the fork server (and so with the run), watch the
    main process, and leave Ctrl-C to the main process, which stops the workers itself."""
    kill_me_with_parent()
    if main_pid is not None:
        if not _alive(main_pid):
            os._exit(1)
        watch(main_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
