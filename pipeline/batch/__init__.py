"""batch: run `process` over many inputs; one bad input never stops the others.

First version: expands folders (recursively), processes inputs one after another, reports
each failure on stderr with the file and the fix, and returns exit code 4 if any failed.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ExitCode, MissingDependencyError, SohoaError, UsageError


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked recursively for supported files, in a stable order.
    A path that does not exist is kept, so that it fails as an input with a clear message."""
    from ..ingest import SUPPORTED

    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            out.extend(found)
        else:
            out.append(p)
    return out


def run_batch(paths: list[Path], options, *, verbose: bool = False) -> int:
    from ..api import process_document

    inputs = expand_inputs(paths)
    if not inputs:
        raise UsageError("no supported input files found in " + ", ".join(map(str, paths)),
                         hint="give .txt, .png, .jpg, .jpeg, .tif, .tiff or .pdf files, or folders holding them")
    failed = 0
    for path in inputs:
        try:
            result = process_document(path, options)
            print(f"ok    {path} -> " + ", ".join(str(p) for p in result.outputs.values()), file=sys.stderr)
        except MissingDependencyError:
            raise  # every other input would fail the same way: stop with exit code 3
        except SohoaError as e:
            failed += 1
            print(f"FAIL  {e.render()}" if e.path else f"FAIL  {path}: {e.render()}", file=sys.stderr)
            if verbose:
                import traceback
                traceback.print_exception(e, file=sys.stderr)
    print(f"sohoa: {len(inputs) - failed} done, {failed} failed", file=sys.stderr)
    return ExitCode.INPUT_FAILED if failed else ExitCode.OK
