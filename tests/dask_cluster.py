"""A real Dask cluster for the tests: `dask scheduler` and `dask worker` processes, as the README
tells users to start them, listening on 127.0.0.1 only (no dashboards)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


class DaskCluster:
    def __init__(self, folder: Path, workers: int = 2):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.scheduler_file = self.folder / "scheduler.json"
        self.log = open(self.folder / "dask.log", "ab")
        self.scheduler = None
        self.workers: list[subprocess.Popen] = []
        self.start_scheduler()
        for _ in range(workers):
            self.add_worker()

    def _spawn(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=self.log, stderr=self.log,
                                stdin=subprocess.DEVNULL, start_new_session=True)

    def start_scheduler(self) -> None:
        self.scheduler_file.unlink(missing_ok=True)
        self.scheduler = self._spawn("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.scheduler_file))
        deadline = time.monotonic() + 60
        while not self.scheduler_file.exists():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                raise RuntimeError("dask scheduler did not start; see " + str(self.folder / "dask.log"))
            time.sleep(0.05)
        time.sleep(0.05)   # the file is written whole, but give it a moment to be closed
        self.address = json.loads(self.scheduler_file.read_text())["address"]

    def add_worker(self) -> None:
        self.workers.append(self._spawn(
            "worker", self.address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
            "--death-timeout", "20", "--local-directory", str(self.folder / "work")))

    def client(self, workers: int | None = None):
        from distributed import Client
        client = Client(self.address, set_as_default=False, timeout=30)
        client.wait_for_workers(workers if workers is not None else len(self.workers), timeout=60)
        return client

    def kill_scheduler(self) -> None:
        self.scheduler.kill()
        self.scheduler.wait()

    def close(self) -> None:
        for p in [*self.workers, self.scheduler]:
            if p is not None and p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)    # the worker's nanny and its worker process
                except ProcessLookupError:
                    pass
                p.wait()
        self.log.close()
