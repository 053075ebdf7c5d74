"""The documents of an output folder as the review sees them, and what a correction does.

A document is reviewable when `sohoa process` left its words sidecar (<name>.words.json.gz)
below OUTDIR; inputs the manifest lists as failed are shown too, first, with their error. Each
document gets an opaque id (a hash of its output name): the API takes nothing else, so no
request can name a path, inside OUTDIR or out.

Saving a correction (ReviewStore.correct), in this order, so that a browser or server killed at
any moment loses nothing it acknowledged:
1. OUTDIR/<name>.corrections.json is rewritten atomically (its `revision` goes up by one);
2. OUTDIR/sohoa-corrections.tsv gets the corrected words (OCR word, context, correction), the
   file `sohoa process --corrections` learns from;
3. the document's outputs that exist (.json, .txt, .docx ...) are written again from the
   corrected words (pipeline.api.write_outputs), holding the batch's lock on OUTDIR, so never
   at the same time as a `sohoa process` run into it;
4. the manifest's `reviews` table records the state, who (the OS user) and when, and the
   revision the outputs were made from. A document whose corrections are newer than its outputs
   (the server was stopped between 1 and 3, or a batch held the lock) is made again when the
   review next starts.
"""
from __future__ import annotations

import getpass
import hashlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..export.words import WORDS_SUFFIX, read_words
from ..restore.corrections import COLUMNS as TSV_COLUMNS, HEADER as TSV_HEADER, context_of
from .apply import (CORRECTIONS_SUFFIX, CorrectionError, check_header, check_target_edit, check_word_text,
                    corrected, parse_word_id, read_corrections, word_id, write_corrections)
from .pages import PageImages, PageUnavailable

TSV_NAME = "sohoa-corrections.tsv"
LOCK_WAIT = 5.0           # seconds to wait for a batch run's lock before leaving the outputs for later


class NotFound(Exception):
    """Answered 404 (the message says what was not found)."""


def doc_id(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:   # noqa: BLE001 (no user name in this environment)
        return "unknown"


@dataclass
class Loaded:
    """A document's processed restoration (from its sidecar) and, for one corrections revision,
    the corrected text, plan and unsure flags."""
    name: str
    version: tuple
    restored: object
    source: object
    source_file: Path
    docx_review: bool
    pdfa: str
    unsure: list[bool]
    views: dict = field(default_factory=dict)     # corrections revision -> (text, plan, checked)


class ReviewStore:
    def __init__(self, outdir: Path):
        self.outdir = Path(outdir).resolve()
        self.images = PageImages()
        self._lock = threading.RLock()
        self._loaded: dict[str, Loaded] = {}

    # ------------------------------------------------------------------ finding documents
    def _manifest(self):
        from ..batch.manifest import Manifest
        return Manifest(self.outdir)

    def names(self) -> dict[str, str]:
        """id -> output name of every reviewable document (its sidecar inside OUTDIR)."""
        out = {}
        for f in sorted(self.outdir.rglob("*" + WORDS_SUFFIX)):
            rel = f.relative_to(self.outdir)
            if any(part.startswith(".") for part in rel.parts) or not f.is_file():
                continue
            try:
                f.resolve().relative_to(self.outdir)       # a link out of OUTDIR is not followed
            except ValueError:
                continue
            name = rel.as_posix()[: -len(WORDS_SUFFIX)]
            out[doc_id(name)] = name
        return out

    def _name(self, did: str) -> str:
        name = self.names().get(did) if isinstance(did, str) and len(did) == 16 else None
        if name is None:
            raise NotFound("no such document")
        return name

    def _path(self, name: str, suffix: str) -> Path:
        return self.outdir / f"{name}{suffix}"

    def load(self, name: str) -> Loaded:
        sidecar = self._path(name, WORDS_SUFFIX)
        st = sidecar.stat()
        version = (st.st_mtime_ns, st.st_size)
        with self._lock:
            doc = self._loaded.get(name)
            if doc is None or doc.version != version:
                from ..restore.unsure import unsure_flags
                restored, source, data = read_words(sidecar)
                doc = Loaded(name=name, version=version, restored=restored, source=source,
                             source_file=Path(data.get("source_file") or source.path),
                             docx_review=bool(data.get("docx_review")), pdfa=data.get("pdfa") or "2b",
                             unsure=unsure_flags(restored))
                self._loaded[name] = doc
            return doc

    def view(self, doc: Loaded, corrections: dict):
        """(corrected text, plan, checked words) for these corrections (cached by revision)."""
        rev = corrections["revision"]
        with self._lock:
            if rev not in doc.views:
                doc.views = {rev: corrected(doc.restored, doc.source, corrections)}
            return doc.views[rev]

    def corrections_of(self, name: str) -> dict:
        return read_corrections(self._path(name, CORRECTIONS_SUFFIX), name)

    # ------------------------------------------------------------------ the API's answers
    def documents(self) -> list[dict]:
        """Every document, those needing review most first: failed inputs, then unreviewed ones by
        unsure words per page (then lowest mean confidence), then those in progress, then reviewed."""
        names = self.names()
        manifest = self._manifest()
        try:
            entries = {e.name: e for e in manifest.entries()}
            reviews = manifest.reviews()
        finally:
            manifest.close()
        rows = []
        for did, name in names.items():
            e, r = entries.get(name), reviews.get(name) or {}
            unsure = r.get("unsure_left")
            pages = e.pages if e else None
            if unsure is None or pages is None:
                doc = self.load(name)
                pages = pages or doc.source.pages or 1
                unsure = sum(doc.unsure) if unsure is None else unsure
            rows.append({"id": did, "name": name, "status": "done", "error": None, "pages": pages,
                         "unsure": unsure, "unsure_per_page": round(unsure / max(pages or 1, 1), 2),
                         "mean_confidence": e.mean_confidence if e else None,
                         "review": self._state(r)})
        for name, e in entries.items():
            if e.status == "failed" and doc_id(name) not in names:
                rows.append({"id": doc_id(name), "name": name, "status": "failed", "error": e.error,
                             "pages": e.pages, "unsure": None, "unsure_per_page": None, "mean_confidence": None,
                             "review": self._state({})})
        order = {"unreviewed": 1, "in progress": 2, "reviewed": 3}
        rows.sort(key=lambda d: (0 if d["status"] == "failed" else order[d["review"]["state"]],
                                 -(d["unsure_per_page"] or 0), d["mean_confidence"] if d["mean_confidence"] is not None else 1,
                                 d["name"]))
        return rows

    @staticmethod
    def _state(r: dict) -> dict:
        return {"state": r.get("state") or "unreviewed", "by": r.get("reviewer"), "changed": r.get("changed"),
                "reviewed_at": r.get("reviewed_at"), "corrections": r.get("corrections") or 0}

    def document(self, did: str) -> dict:
        name = self._name(did)
        doc = self.load(name)
        corrections = self.corrections_of(name)
        text, plan, checked = self.view(doc, corrections)
        words = []
        for w, fixed, unsure in zip(doc.restored.words(), text.words(), doc.unsure):
            wid = word_id(w.line, w.index)
            words.append({
                "id": wid, "text": fixed.text, "restored": w.text, "original": w.original,
                "confidence": round(w.confidence, 4),
                "ocr_confidence": None if w.ocr_confidence is None else round(w.ocr_confidence, 1),
                "alternatives": alternatives_of(w), "page": w.page, "box": w.box.as_list() if w.box else None,
                "line": w.line, "unsure": bool(unsure), "checked": (w.line, w.index) in checked,
                "corrected": fixed.text != w.text})
        manifest = self._manifest()
        try:
            review = self._state(manifest.reviews().get(name) or {})
        finally:
            manifest.close()
        pages = []
        for info in doc.restored.pages or []:
            has_image = doc.source.kind in ("image", "pdf") and info.read in ("ocr", "layer") and bool(info.width)
            pages.append({"number": info.number, "width": info.width, "height": info.height, "read": info.read,
                          "rotation": info.rotation,
                          "image": f"/api/documents/{did}/pages/{info.number}.png" if has_image else None})
        return {"id": did, "name": name, "kind": doc.source.kind, "source": Path(doc.source.path).name,
                "condition": doc.restored.condition, "lines": len(doc.restored.lines), "pages": pages,
                "words": words, "header": header_of(plan), "targets": targets_of(plan), "review": review,
                "unsure_left": sum(1 for x in words if x["unsure"] and not x["checked"]),
                "outputs": sorted(self.outputs_of(name))}

    def page_png(self, did: str, number: int) -> bytes:
        name = self._name(did)
        doc = self.load(name)
        info = doc.restored.page_info(number)
        if info is None:
            raise NotFound("no such page")
        try:
            return self.images.png(doc.source_file, doc.source.sha256, doc.source.kind, info)
        except PageUnavailable as e:
            raise NotFound(str(e)) from None

    # ------------------------------------------------------------------ saving
    def outputs_of(self, name: str) -> list[str]:
        from ..api import FORMATS, SUFFIXES
        return [fmt for fmt in FORMATS if self._path(name, SUFFIXES[fmt]).is_file()]

    def correct(self, did: str, payload: dict) -> dict:
        """Apply one POST of corrections (see the API in the README); raises CorrectionError (400)."""
        name = self._name(did)
        if not isinstance(payload, dict):
            raise CorrectionError("the body must be a JSON object")
        unknown = set(payload) - {"corrections", "header", "targets", "reviewed"}
        if unknown:
            raise CorrectionError(f"unknown keys {sorted(unknown)}")
        who, when = reviewer(), now()
        with self._lock:
            doc = self.load(name)
            corrections = self.corrections_of(name)
            _, plan, _ = self.view(doc, corrections)
            placed = {(w.line, w.index): w for w in doc.restored.words()}
            words = dict(corrections["words"])
            taught = []
            for item in payload.get("corrections") or []:
                if not isinstance(item, dict):
                    raise CorrectionError("each correction is an object {id, text}")
                li, wi = parse_word_id(item.get("id"))
                w = placed.get((li, wi))
                if w is None:
                    raise CorrectionError(f"no word {item.get('id')!r} in this document")
                text = check_word_text(item.get("text"))
                words[word_id(li, wi)] = {"text": text, "original": w.original, "restored": w.text, "by": who, "at": when}
                taught.append((w, text))
            header = dict(corrections["header"])
            header.update(check_header(payload.get("header") or {}))
            targets = dict(corrections["targets"])
            for edit in payload.get("targets") or []:
                tid, fields = check_target_edit(plan, edit)
                targets[tid] = {**targets.get(tid, {}), **fields}
            reviewed = corrections.get("reviewed")
            if "reviewed" in payload:
                if not isinstance(payload["reviewed"], bool):
                    raise CorrectionError("reviewed must be true or false")
                reviewed = {"by": who, "at": when} if payload["reviewed"] else None
            corrections.update(words=words, header=header, targets=targets, reviewed=reviewed,
                               revision=corrections["revision"] + 1)
            write_corrections(self._path(name, CORRECTIONS_SUFFIX), corrections)          # 1
            if taught:
                self._teach(name, doc, taught, who, when)                                 # 2
            regenerated, pending = self._regenerate(name, doc, corrections)               # 3, 4
            answer = self.document(did)
        answer.update(saved=True, regenerated=regenerated, pending=pending)
        return answer

    def _teach(self, name: str, doc: Loaded, taught: list, who: str, when: str) -> None:
        """Rewrite sohoa-corrections.tsv with these words (a word corrected again replaces its row;
        one set back to what restoration wrote leaves the file)."""
        from ..export.atomic import write_text
        path = self.outdir / TSV_NAME
        rows = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#") and line.split("\t")[0] != TSV_COLUMNS[0]:
                    rows.append(line.split("\t"))
        for w, text in taught:
            wid = word_id(w.line, w.index)
            rows = [r for r in rows if not (len(r) >= 5 and r[3] == name and r[4] == wid)]
            if text != w.text:
                context = context_of(doc.restored.lines[w.line].original.split(), w.index)
                rows.append([w.original, context, text, name, wid, who, when])
        write_text(path, TSV_HEADER + "".join("\t".join(r) + "\n" for r in rows))

    def _regenerate(self, name: str, doc: Loaded, corrections: dict) -> tuple[list[str], str | None]:
        """Write the document's outputs again from the corrected words, under the batch lock; then
        record the review in the manifest. Returns (formats written, why not, if they were not)."""
        from ..api import DocumentResult, ProcessOptions, write_outputs
        from ..batch import batch_lock
        from ..errors import SohoaError, UsageError
        from ..model import Plan
        formats = tuple(self.outputs_of(name))
        text, plan, checked = self.view(doc, corrections)
        unsure_left = sum(1 for w, u in zip(doc.restored.words(), doc.unsure) if u and (w.line, w.index) not in checked)
        state = "reviewed" if corrections.get("reviewed") else ("in progress" if corrections["words"] or
                                                                corrections["header"] or corrections["targets"] else "unreviewed")
        fields = dict(state=state, reviewer=reviewer(), changed=now(), corrections=len(corrections["words"]),
                      unsure_left=unsure_left,
                      reviewed_at=(corrections["reviewed"] or {}).get("at") if corrections.get("reviewed") else None)
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                with batch_lock(self.outdir):
                    if formats:
                        result = DocumentResult(path=doc.source_file, plan=Plan(source=doc.source), restored=doc.restored)
                        write_outputs(result, self.outdir, ProcessOptions(formats=formats, review=doc.docx_review,
                                                                          pdfa=doc.pdfa), name=name, words=False)
                    self._record(name, revision=corrections["revision"], **fields)
                return list(formats), None
            except UsageError:                       # a batch run holds the folder
                if time.monotonic() > deadline:
                    self._record(name, **fields)
                    return [], "a sohoa process run is writing to this folder: the outputs will be made " \
                               "again when the review next starts"
                time.sleep(0.2)
            except SohoaError as e:
                self._record(name, **fields)
                return [], e.render()

    def _record(self, name: str, **fields) -> None:
        manifest = self._manifest()
        try:
            manifest.record_review(name, **fields)
        finally:
            manifest.close()

    def catch_up(self) -> list[str]:
        """Make again the outputs of documents whose corrections are newer than their outputs."""
        manifest = self._manifest()
        try:
            reviews = manifest.reviews()
        finally:
            manifest.close()
        done = []
        for name in self.names().values():
            path = self._path(name, CORRECTIONS_SUFFIX)
            if not path.exists():
                continue
            corrections = self.corrections_of(name)
            if (reviews.get(name) or {}).get("revision") != corrections["revision"]:
                self._regenerate(name, self.load(name), corrections)
                done.append(name)
        return done


def alternatives_of(w) -> list:
    """The restorer's runners-up for a word, as whole words with their probabilities: those of
    its least sure token, written into the word in that token's place."""
    from ..restore.tokens import split_line
    toks = [t for t in w.tokens if t.alternatives]
    if not toks:
        return []
    tok = min(toks, key=lambda t: t.confidence)
    pieces = [p for p in split_line(w.text) if p.core]
    at = next((p for p in pieces if p.core == tok.text), None)
    out = []
    for alt, p in tok.alternatives:
        shown = w.text[:at.start] + alt + w.text[at.end:] if at is not None else alt
        out.append([shown, round(float(p), 4)])
    return out


def header_of(plan) -> dict:
    from dataclasses import asdict
    return asdict(plan.header)


def targets_of(plan) -> list[dict]:
    out = []
    for i, t in enumerate(plan.targets):
        out.append(_target(str(i), t, None))
        for j, b in enumerate(t.breakdown):
            out.append(_target(f"{i}.{j}", b, str(i)))
    return out


def _target(tid: str, t, parent) -> dict:
    return {"id": tid, "parent": parent, "number": t.number, "indicator": t.indicator, "value": t.value,
            "value_max": t.value_max, "unit": t.unit, "raw": t.raw, "line": t.line}
