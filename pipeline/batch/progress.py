"""Progress of a batch: a tqdm bar on a terminal, plain log lines otherwise (files, cron, CI).

Failures are always printed as they happen, on their own line, so a long run can be watched.
A progress stream that breaks (`sohoa process DIR 2>&1 | head -1`, a closed terminal) never
ends the batch: SafeStream drops what can no longer be shown, and the run goes on to its end,
its reports and its exit code.
"""
from __future__ import annotations

import os
import sys

from ..errors import printable


class SafeStream:
    """A text stream whose writes never raise: once a write fails (a closed pipe, a vanished
    terminal) the stream is marked broken and later writes are dropped. Text is written as valid
    Unicode (errors.printable), so that no encoding error can pass for a broken stream. If it is a real file
    descriptor (stderr), /dev/null is put in its place, so that what is still buffered, and the
    flush at interpreter exit, cannot fail either."""

    def __init__(self, stream):
        self.stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self.stream.write(printable(text))      # a file name's undecodable bytes as \xNN
                self.stream.flush()
            except (OSError, ValueError):     # BrokenPipeError, EIO; ValueError: closed file
                self._break()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self._break()

    def isatty(self) -> bool:
        try:
            return not self.broken and bool(self.stream.isatty())
        except (AttributeError, OSError, ValueError):
            return False

    def _break(self) -> None:
        self.broken = True
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            return
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
        except OSError:
            pass


def _fmt_outputs(outcome: dict) -> str:
    outputs = outcome.get("outputs") or {}
    if not outputs:
        return ""
    name = outcome.get("name") or ""
    return f" -> {name}.{{{','.join(outputs)}}}" if len(outputs) > 1 else f" -> {next(iter(outputs.values()))}"


class Progress:
    def __init__(self, total: int, *, stream=None, bar: bool | None = None, verbose: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.count = 0
        self.failed = 0
        self.verbose = verbose
        if bar is None:
            bar = bool(getattr(self.stream, "isatty", lambda: False)()) and total > 1
        self.bar = None
        if bar:
            from tqdm import tqdm
            tqdm.monitor_interval = 0       # no monitor thread
            self.bar = tqdm(total=total, file=self.stream, unit="file", dynamic_ncols=True, desc="sohoa",
                            leave=True)

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def finished(self, outcome: dict) -> None:
        """One input done or failed."""
        self.count += 1
        ok = outcome.get("status") == "done"
        if not ok:
            self.failed += 1
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix_str(f"{self.failed} failed")
            if not ok:
                self.line(f"FAIL  {outcome.get('error')}")
            elif outcome.get("warnings"):
                self.line(f"CHECK {outcome['path']}: {outcome['warnings']}")
            elif self.verbose:
                self.line(f"ok    {outcome['path']}{_fmt_outputs(outcome)}")
        else:
            where = f"[{self.count}/{self.total}]"
            if ok:
                warn = f"  [to check: {outcome['warnings']}]" if outcome.get("warnings") else ""
                self.line(f"{where} ok    {outcome['path']}{_fmt_outputs(outcome)} "
                          f"({outcome.get('seconds', 0):.1f} s){warn}")
            else:
                self.line(f"{where} FAIL  {outcome.get('error')}")
        if not ok and self.verbose and outcome.get("traceback"):
            self.line(outcome["traceback"].rstrip())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
