"""The batch manifest: one SQLite file in OUTDIR that remembers every input and what became of it.

It is what makes runs resumable and idempotent. Only the parent process writes it (workers
return their results to the parent), in WAL mode, and an input is marked `done` only after all
of its outputs are on disk, each written atomically. So a run killed at any moment (even with
SIGKILL) leaves the manifest saying `done` only for inputs whose outputs are complete, and the
next run redoes the rest.

An input is skipped by a later run when its row is `done`, its content (sha256), the options
that shape its outputs and the sohoa version and models that made them are the same, and every
output it recorded still exists.

File names that are not UTF-8 (CP1258 or Latin-1 names from old archive shares; Python holds
their undecodable bytes as lone surrogates) are stored losslessly: such a value is kept as a BLOB
of the name's bytes, which SQLite allows in any column, and read back as the same str. Every
other value stays plain TEXT, so manifests of earlier runs read as before.

The manifest and its SQLite side files are refused when they are symbolic links: a link planted
in OUTDIR must not make sohoa create or alter a database elsewhere.
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError

MANIFEST_NAME = "sohoa-manifest.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS inputs (
    key             TEXT PRIMARY KEY,      -- absolute path of the input file
    path            TEXT NOT NULL,         -- the path as the last run was given it
    name            TEXT NOT NULL UNIQUE,  -- output name below OUTDIR, without extension
    status          TEXT NOT NULL,         -- pending, done or failed
    sha256          TEXT,                  -- of the content last processed
    options         TEXT,                  -- fingerprint of the options that shape the outputs
    error           TEXT,                  -- the message of the last failure
    error_code      TEXT,                  -- E1xx ... of the last failure
    pages           INTEGER,
    targets         INTEGER,               -- top-level targets found
    breakdown       INTEGER,               -- breakdown items found under them
    mean_confidence REAL,
    low_confidence  INTEGER,               -- words flagged for review
    outputs         TEXT,                  -- JSON {format: path below OUTDIR}
    timings         TEXT,                  -- JSON {stage: seconds}
    seconds         REAL,
    started         TEXT,                  -- ISO times of the last attempt
    finished        TEXT,
    sohoa           TEXT,                  -- version of sohoa that made the outputs
    models          TEXT,                  -- checksum of the models it used (pipeline.batch.stamp)
    notes           TEXT,                  -- JSON [str]: what the report should say (formats skipped)
    metadata        TEXT                   -- JSON: the row of OUTDIR/metadata.csv (export/metadata.py)
);
-- What `sohoa review` did with each output (a table of its own: the batch never writes it, and
-- manifests written before it existed get it empty).
CREATE TABLE IF NOT EXISTS reviews (
    name            TEXT PRIMARY KEY,      -- output name below OUTDIR (inputs.name)
    state           TEXT NOT NULL,         -- unreviewed, in progress or reviewed
    reviewer        TEXT,                  -- the OS user who last changed it
    changed         TEXT,                  -- ISO time of the last correction
    reviewed_at     TEXT,                  -- ISO time it was marked reviewed
    corrections     INTEGER,               -- words corrected or accepted
    unsure_left     INTEGER,               -- unsure words not yet checked
    revision        INTEGER                -- the corrections' revision the outputs were made from
);
"""
# Columns added since schema 1 was first written: an older manifest gets them on opening (NULL:
# `sohoa` and `models` unknown, so every input it lists is redone once, which is right).
_ADDED_COLUMNS = {"sohoa": "TEXT", "models": "TEXT", "notes": "TEXT", "metadata": "TEXT"}
REVIEW_COLUMNS = ("name", "state", "reviewer", "changed", "reviewed_at", "corrections", "unsure_left", "revision")

# SQLite's side files: WAL mode's log and shared-memory index, and a rollback journal.
_SIDE_FILES = ("-wal", "-shm", "-journal")

_COLUMNS = ("key", "path", "name", "status", "sha256", "options", "error", "error_code", "pages", "targets",
            "breakdown", "mean_confidence", "low_confidence", "outputs", "timings", "seconds", "started",
            "finished", "sohoa", "models", "notes", "metadata")
_JSON_COLUMNS = ("outputs", "timings", "notes", "metadata")


@dataclass
class Entry:
    """One row of the manifest."""
    key: str
    path: str
    name: str
    status: str
    sha256: str | None = None
    options: str | None = None
    error: str | None = None
    error_code: str | None = None
    pages: int | None = None
    targets: int | None = None
    breakdown: int | None = None
    mean_confidence: float | None = None
    low_confidence: int | None = None
    outputs: dict | None = None
    timings: dict | None = None
    seconds: float | None = None
    started: str | None = None
    finished: str | None = None
    sohoa: str | None = None
    models: str | None = None
    notes: list | None = None
    metadata: dict | None = None      # the document's row of the metadata sheet

    def made_by(self, stamp: dict) -> bool:
        """Whether these outputs were made by the sohoa and models of `stamp` (stamp.build_stamp)."""
        return self.sohoa == stamp["sohoa"] and self.models == stamp["models"]

    def outputs_present(self, outdir: Path) -> bool:
        return bool(self.outputs) and all((outdir / rel).is_file() for rel in self.outputs.values())


def to_db(value):
    """A str that is not valid UTF-8 (a file name's undecodable bytes) as the bytes it came from."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return value.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:     # a surrogate that no file name holds: kept, not lost
                return value.encode("utf-8", "surrogatepass")
    return value


def from_db(value):
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def iso_now(t: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() if t is None else t))


class Manifest:
    def __init__(self, outdir: Path):
        self.path = Path(outdir) / MANIFEST_NAME
        for suffix in ("", *_SIDE_FILES):
            linked = self.path.with_name(self.path.name + suffix)
            if linked.is_symlink():
                raise OutputError("is a symbolic link: sohoa will not follow it", path=linked,
                                  hint="remove the link (the batch then starts afresh; outputs are kept), "
                                       "or choose another folder with -o")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None)   # explicit transactions
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")   # WAL + NORMAL: a killed process loses nothing committed
            self.db.executescript(_SCHEMA)
            have = {row[1] for row in self.db.execute("PRAGMA table_info(inputs)")}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in have:
                    self.db.execute(f"ALTER TABLE inputs ADD COLUMN {column} {kind}")
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise OutputError(f"manifest was written by another version of sohoa (schema {row[0]})",
                                  path=self.path, hint="delete it to start the batch afresh; outputs are kept")
        except sqlite3.DatabaseError as e:
            raise OutputError(f"the batch manifest cannot be used: {e}", path=self.path,
                              hint="delete it to start the batch afresh (outputs are kept), "
                                   "or choose another folder with -o") from None

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ reading

    def _entry(self, row) -> Entry:
        d = dict(zip(_COLUMNS, map(from_db, row)))
        for k in _JSON_COLUMNS:
            d[k] = json.loads(d[k]) if d[k] else None
        return Entry(**d)

    def get(self, key: str) -> Entry | None:
        row = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM inputs WHERE key=?", (to_db(key),)).fetchone()
        return self._entry(row) if row else None

    def entries(self) -> list[Entry]:
        return [self._entry(row) for row in self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM inputs ORDER BY name")]

    def reviews(self) -> dict[str, dict]:
        """Output name -> its review state (REVIEW_COLUMNS)."""
        return {row[0]: dict(zip(REVIEW_COLUMNS, row))
                for row in self.db.execute(f"SELECT {', '.join(REVIEW_COLUMNS)} FROM reviews")}

    def record_review(self, name: str, **fields) -> None:
        """Set review fields of one output (REVIEW_COLUMNS; the others are kept)."""
        unknown = set(fields) - set(REVIEW_COLUMNS)
        if unknown:
            raise ValueError(f"unknown review fields {sorted(unknown)}")
        with self._transaction():
            self.db.execute("INSERT INTO reviews (name, state) VALUES (?, 'unreviewed') ON CONFLICT(name) DO NOTHING",
                            (name,))
            if fields:
                self.db.execute(f"UPDATE reviews SET {', '.join(f'{k}=?' for k in fields)} WHERE name=?",
                                (*fields.values(), name))

    def names(self) -> dict[str, str]:
        """Every output name given so far -> the key of its input."""
        return {from_db(name): from_db(key) for name, key in self.db.execute("SELECT name, key FROM inputs")}

    # ------------------------------------------------------------------ writing

    def register(self, items: list[tuple[str, str, str]]) -> None:
        """Record (key, path, name) of inputs about to be considered; new ones start `pending`."""
        with self._transaction():
            for key, path, name in items:
                self.db.execute("INSERT INTO inputs (key, path, name, status) VALUES (?, ?, ?, 'pending') "
                                "ON CONFLICT(key) DO UPDATE SET path=excluded.path",
                                (to_db(key), to_db(path), to_db(name)))

    def record(self, entry: Entry) -> None:
        """Store what became of one input. Called only once all its outputs are on disk."""
        values = [to_db(json.dumps(v, ensure_ascii=False) if k in _JSON_COLUMNS and v is not None else v)
                  for k, v in ((k, getattr(entry, k)) for k in _COLUMNS)]
        with self._transaction():
            self.db.execute(f"INSERT OR REPLACE INTO inputs ({', '.join(_COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(_COLUMNS))})", values)

    @contextmanager
    def _transaction(self):
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            raise OutputError(f"the batch manifest could not be updated: {e}", path=self.path,
                              hint="check free disk space and permissions") from None
