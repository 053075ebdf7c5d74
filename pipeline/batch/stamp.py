"""What made an output, besides the input and the options: the sohoa version and its models.

The batch manifest records this stamp with every input it processed, so that a run with another
version of sohoa, or with rebuilt models (a new language model, channel or lexicon in
dictionaries/), redoes the documents an older one made. On a cluster the stamp also tells
whether every worker runs the same sohoa as the client (pipeline.batch.cluster).

Tesseract and its `vie` data are not in the stamp: they are the system's, and each plan records
the engine that read it (`source.ocr.engine`); after upgrading them, `--force` redoes the scans.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

# The files of dictionaries/ that decide outputs: data, not its README, licence or build scripts.
MODEL_SUFFIXES = (".tsv", ".txt", ".npz", ".bin", ".json")


def models_checksum(folder: Path) -> str:
    """sha256 over the name and content of every model file in `folder`, in name order."""
    total = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in MODEL_SUFFIXES and not path.name.startswith("LICENSE"):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            total.update(f"{path.name}\0{digest}\n".encode())
    return total.hexdigest()


@lru_cache(maxsize=1)
def build_stamp() -> dict[str, str]:
    """{"sohoa": version, "models": checksum of the shipped dictionaries}, computed once per process."""
    from .. import __version__
    from ..resources import dictionaries_dir
    return {"sohoa": __version__, "models": models_checksum(dictionaries_dir())}
