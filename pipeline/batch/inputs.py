"""Which files a batch processes, and the output name each one gets.

Output naming rule (documented in the README):
- a file given on the command line is named after its stem: `scans/p1.png` -> `OUTDIR/p1.*`;
- a file found in a folder keeps its place below that folder: `sohoa process scans` with
  `scans/2024/p1.png` -> `OUTDIR/2024/p1.*`, so same-named files in different folders never meet;
- if a name is still taken by another input (`plan.txt` and `plan.pdf` side by side, or two files
  given directly with the same stem), the later one gets the extension added: `plan-pdf`,
  then `plan-pdf-2`, `plan-pdf-3` ...;
- a name whose outputs would land on an input of the run is never given, so no output replaces
  an input: `sohoa process d/plan.txt -o d` names it `plan-txt` (writes `d/plan-txt.txt`), and
  `sohoa process *.txt -o .` likewise.
A name, once given, is kept in the manifest and stays the input's name on every later run, so
adding files to a folder never renames the outputs of the ones already done.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BatchInput:
    path: Path          # as the user gave it (or as found below a folder they gave): for messages
    key: str            # absolute path: the input's key in the manifest
    name_hint: str      # the output name it would like, relative to OUTDIR, without extension


def _key(path: Path) -> str:
    return str(path.resolve()) if path.exists() else str(path.absolute())


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False


def expand_inputs(paths: list[Path], *, skip_folder: Path | None = None) -> list[BatchInput]:
    """Files as given; folders walked recursively for supported files, in a stable order.

    Hidden files and folders are skipped, and so is `skip_folder` (the output folder: its .txt
    outputs must not become inputs of the next run). A path that does not exist is kept, so that
    it fails as an input with a clear message. A file reached twice is processed once.
    """
    from ..ingest import SUPPORTED

    skip = skip_folder.resolve() if skip_folder is not None else None
    out: list[BatchInput] = []
    seen: set[str] = set()

    def add(path: Path, hint: str) -> None:
        key = _key(path)
        if key not in seen:
            seen.add(key)
            out.append(BatchInput(path=path, key=key, name_hint=hint))

    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                           and not any(part.startswith(".") for part in f.relative_to(p).parts)
                           and not _inside(f, skip))
            for f in found:
                add(f, f.relative_to(p).with_suffix("").as_posix())
        else:
            add(p, p.stem or p.name)
    return out


# Every suffix an output of an input may get (pipeline.api.OUTPUT_SUFFIXES, kept here to stay
# import-light): a name is checked against all of them, whatever formats this run writes, so that
# the name an input gets does not depend on the formats asked for.
def _output_suffixes() -> tuple[str, ...]:
    from ..api import OUTPUT_SUFFIXES
    return OUTPUT_SUFFIXES


def overwrites_input(name: str, outdir: Path, input_keys: set[str]) -> bool:
    """Would an output named `name` in `outdir` land on one of the inputs (keys: resolved paths)?"""
    base = outdir.resolve() / name
    return any(_key(base.with_name(base.name + suffix)) in input_keys for suffix in _output_suffixes())


def allot_names(inputs: list[BatchInput], taken: dict[str, str], outdir: Path | None = None) -> dict[str, str]:
    """Output name for each input key. `taken` maps names already given (by the manifest) to
    their input key; an input that already has a name keeps it (unless its outputs would now
    land on an input). With `outdir`, a name whose outputs would replace an input of the run is
    never given. Updates `taken`."""
    input_keys = {item.key for item in inputs}

    def free(name: str) -> bool:
        return name not in taken and not (outdir is not None and overwrites_input(name, outdir, input_keys))

    by_key = {key: name for name, key in taken.items()}
    names: dict[str, str] = {}
    for item in inputs:
        if item.key in by_key:
            kept = by_key[item.key]
            if outdir is None or not overwrites_input(kept, outdir, input_keys):
                names[item.key] = kept
                continue
            del taken[kept]          # an input now sits where its outputs would go: rename
        candidates = [item.name_hint]
        ext = item.path.suffix.lower().lstrip(".")
        fallback = f"{item.name_hint}-{ext}" if ext else f"{item.name_hint}-file"
        candidates.append(fallback)
        n = 2
        while True:
            name = next((c for c in candidates if free(c)), None)
            if name is not None:
                break
            candidates = [f"{fallback}-{n}"]
            n += 1
        taken[name] = item.key
        by_key[item.key] = name
        names[item.key] = name
    return names
