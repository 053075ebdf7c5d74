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
adding files to a folder never renames the outputs of the ones already done. A kept name that
would put outputs outside OUTDIR (`../x` or an absolute path, in a manifest edited by hand) is
not kept.

What a folder walk refuses, each reported as a failed input with its reason (never silently):
a subfolder that cannot be read; a link to a file or folder outside the folder given (not
followed: `ln -s /etc/passwd in/passwd.txt` must not copy the password file into the outputs);
a named pipe, device or socket (reading it could block for ever). A file or folder given on the
command line is taken as given, links included, but a pipe or a device is refused there too.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputFileError


@dataclass(frozen=True)
class BatchInput:
    path: Path          # as the user gave it (or as found below a folder they gave): for messages
    key: str            # absolute path: the input's key in the manifest
    name_hint: str      # the output name it would like, relative to OUTDIR, without extension
    problem: InputFileError | None = None   # refused before it is read: reported failed, not processed


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
    it fails as an input with a clear message. A file reached twice is processed once. What the
    walk refuses (module docstring) comes back with its `problem` set.
    """
    from ..ingest import not_a_regular_file

    skip = skip_folder.resolve() if skip_folder is not None else None
    out: list[BatchInput] = []
    seen: set[str] = set()

    def add(path: Path, hint: str, problem: InputFileError | None = None) -> None:
        key = _key(path)
        if key not in seen:
            seen.add(key)
            out.append(BatchInput(path=path, key=key, name_hint=hint, problem=problem))

    for p in paths:
        if p.is_dir():
            for f, problem in _walk(p, skip):
                # a refused path (the folder itself, if unreadable) needs no output name
                add(f, f.relative_to(p).with_suffix("").as_posix() if problem is None else "", problem)
        else:
            add(p, p.stem or p.name, not_a_regular_file(p))
    return out


def _walk(top: Path, skip: Path | None) -> list[tuple[Path, InputFileError | None]]:
    """(path, problem or None) of every supported file below `top`, sorted; unreadable folders,
    links out of `top` and special files come with their problem."""
    from ..errors import LinkOutsideError, UnreadableFolderError
    from ..ingest import SUPPORTED, not_a_regular_file

    root = top.resolve()
    found: list[tuple[Path, InputFileError | None]] = []

    def unreadable(e: OSError) -> None:
        where = Path(e.filename) if e.filename else top
        found.append((where, UnreadableFolderError(f"this folder cannot be read: {e.strerror}", path=where,
                                                   hint="give the user running sohoa read access to it")))

    def link_out(path: Path, what: str) -> tuple[Path, InputFileError]:
        return path, LinkOutsideError(
            f"is a link to a {what} outside {top} ({path.resolve()}): not followed", path=path,
            hint="give that file or folder itself on the command line if it is meant to be processed")

    for dirpath, dirnames, filenames in os.walk(top, onerror=unreadable):
        here = Path(dirpath)
        keep = []
        for d in dirnames:
            sub = here / d
            if d.startswith(".") or _inside(sub, skip):
                continue
            if sub.is_symlink():        # never descended into (os.walk does not follow links)
                if not _inside(sub, root):
                    found.append(link_out(sub, "folder"))
                continue                 # a link within the folder: its files are reached anyway
            keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            f = here / name
            if name.startswith(".") or f.suffix.lower() not in SUPPORTED:
                continue
            if f.is_symlink() and not _inside(f, root):
                found.append(link_out(f, "file"))
                continue
            found.append((f, not_a_regular_file(f)))
    return sorted(found, key=lambda item: item[0])


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


def safe_name(name: str) -> bool:
    """Does an output name stay below OUTDIR? (relative, no `..`, no empty part)"""
    parts = PurePosixPath(name).parts
    return bool(name) and not name.startswith(("/", "\\")) and "\\" not in name and ":" not in name[:2] \
        and all(part not in ("", ".", "..") for part in parts)


def allot_names(inputs: list[BatchInput], taken: dict[str, str], outdir: Path | None = None) -> dict[str, str]:
    """Output name for each input key. `taken` maps names already given (by the manifest) to
    their input key; an input that already has a name keeps it (unless its outputs would now
    land on an input, or the name leads out of OUTDIR). With `outdir`, a name whose outputs would replace an input of the run is
    never given. Updates `taken`."""
    input_keys = {item.key for item in inputs}

    def free(name: str) -> bool:
        return name not in taken and not (outdir is not None and overwrites_input(name, outdir, input_keys))

    by_key = {key: name for name, key in taken.items()}
    names: dict[str, str] = {}
    for item in inputs:
        if item.key in by_key:
            kept = by_key[item.key]
            if safe_name(kept) and (outdir is None or not overwrites_input(kept, outdir, input_keys)):
                names[item.key] = kept
                continue
            # a name that climbs out of OUTDIR (a manifest edited by hand), or one whose outputs
            # would now land on an input: a new name
            del taken[kept]
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
