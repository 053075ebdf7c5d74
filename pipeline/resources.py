"""Where the shipped data files are, in a source checkout and in an installed wheel alike."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def dictionaries_dir() -> Path:
    """The dictionaries/ folder (package `pipeline.dictionaries` once installed)."""
    try:
        from importlib.resources import files
        path = Path(str(files("pipeline.dictionaries")))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[1] / "dictionaries"


def dictionary(name: str) -> Path:
    return dictionaries_dir() / name


def schema_path() -> Path:
    return Path(__file__).resolve().parent / "export" / "plan.schema.json"
