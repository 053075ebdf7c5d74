"""Progress of a batch: a tqdm bar on a terminal, plain log lines otherwise (files, cron, CI).

Failures are always printed as they happen, on their own line, so a long run can be watched.
"""
from __future__ import annotations

import sys


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
            elif self.verbose:
                self.line(f"ok    {outcome['path']}{_fmt_outputs(outcome)}")
        else:
            where = f"[{self.count}/{self.total}]"
            if ok:
                self.line(f"{where} ok    {outcome['path']}{_fmt_outputs(outcome)} ({outcome.get('seconds', 0):.1f} s)")
            else:
                self.line(f"{where} FAIL  {outcome.get('error')}")
        if not ok and self.verbose and outcome.get("traceback"):
            self.line(outcome["traceback"].rstrip())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
