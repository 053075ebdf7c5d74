"""Plans for `sohoa diff` and `sohoa targets`: a plan JSON written by `sohoa process` is read as
is; any other input (scan, PDF, old OCR text) is processed first, without writing anything."""
from __future__ import annotations

from pathlib import Path

from ..errors import MissingInputError
from ..model import PLAN_SCHEMA, Plan


def is_plan_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def load_plan(path: str | Path, options) -> Plan:
    """The plan of one input. Raises InputFileError subclasses (exit 4) for bad inputs."""
    path = Path(path)
    if is_plan_json(path):
        if not path.is_file():
            raise MissingInputError("no such file", path=path, hint="check the path and its spelling")
        from .json_plan import read_plan_json
        return read_plan_json(path)
    from ..api import process_document
    return process_document(path, options.with_(outdir=None)).plan


def _not_a_plan(path: Path) -> bool:
    """A JSON that says it is another kind of document (a diff written by `sohoa diff`)."""
    import json
    try:
        schema = json.loads(path.read_text(encoding="utf-8")).get("schema")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return False          # unreadable: let it fail as an input, with its name
    return isinstance(schema, str) and schema != PLAN_SCHEMA


def expand_plan_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked recursively for plan JSON files and source documents
    (hidden files skipped), in a stable order. In a folder, a source document with a plan JSON of
    the same name beside it (an OUTDIR of `sohoa process`: plan.json next to plan.txt) is
    represented by that plan; other sohoa JSON documents (diffs) are left out."""
    from ..ingest import SUPPORTED

    out: list[Path] = []
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        found = sorted(f for f in p.rglob("*") if f.is_file()
                       and (f.suffix.lower() in SUPPORTED or is_plan_json(f))
                       and not any(part.startswith(".") for part in f.relative_to(p).parts))
        plans = {f.with_suffix("") for f in found if is_plan_json(f)}
        out.extend(f for f in found if (is_plan_json(f) and not _not_a_plan(f))
                   or (not is_plan_json(f) and f.with_suffix("") not in plans))
    return out
