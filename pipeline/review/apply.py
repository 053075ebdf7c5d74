"""A reviewer's corrections, kept in OUTDIR/<name>.corrections.json, applied to a document.

The file (`sohoa.corrections/1`, written atomically at every change) holds:

    {"schema": "sohoa.corrections/1", "document": NAME, "revision": N,
     "words":   {WORD_ID: {"text", "original", "restored", "by", "at"}},
     "header":  {FIELD: VALUE},                       # the plan's header fields, as the reviewer set them
     "targets": {TARGET_ID: {FIELD: VALUE, "raw"}},   # indicator, value, value_max, unit of a target
     "reviewed": {"by", "at"} or null}

A word's id is "LINE.INDEX" (its line in the restored text and its place among that line's
words, both from 0). A correction replaces the word's text and keeps its box; it applies only
while the word there is still the one the reviewer saw (same OCR original), so a document
processed again with other models never gets a correction in the wrong place. A correction whose
text is the restored word is an acceptance: the word is checked and no longer unsure.

After the words, the plan is parsed again from the corrected text (the parser reads a corrected
word as written, even where it would take the OCR's reading of a number or code), and the
reviewer's header fields and targets are set on it. Target ids are positions ("3", "3.1" for a
breakdown item); an edit applies only to a target whose raw text is still the one edited.
"""
from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

from ..model import Plan, RestoredText, RestoredToken
from ..restore.tokens import split_line

CORRECTIONS_SCHEMA = "sohoa.corrections/1"
CORRECTIONS_SUFFIX = ".corrections.json"
HEADER_FIELDS = ("issuer", "issuer_parent", "number", "place", "date", "doc_type", "signer", "signer_title")
TARGET_FIELDS = ("indicator", "value", "value_max", "unit")
_WORD_ID = re.compile(r"^(\d{1,7})\.(\d{1,5})$")
_WORD = re.compile(r"\S+")


class CorrectionError(ValueError):
    """A correction that cannot be applied as asked (the API answers 400 with the message)."""


def empty_corrections(name: str) -> dict:
    return {"schema": CORRECTIONS_SCHEMA, "document": name, "revision": 0, "words": {}, "header": {},
            "targets": {}, "reviewed": None}


def read_corrections(path: Path, name: str) -> dict:
    """The corrections file, or an empty one when there is none. A damaged file is an error: it is
    the reviewer's work, never silently dropped."""
    if not path.exists():
        return empty_corrections(name)
    from ..errors import BadPlanError
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadPlanError(f"the review's corrections cannot be read ({e})", path=path,
                           hint="restore it from a backup, or move it away to start the review afresh") from None
    if not isinstance(data, dict) or data.get("schema") != CORRECTIONS_SCHEMA:
        raise BadPlanError(f"is not a {CORRECTIONS_SCHEMA} file", path=path,
                           hint="move it away to start the review afresh")
    out = empty_corrections(name)
    out.update({k: data[k] for k in out if k in data and data[k] is not None})
    out["reviewed"] = data.get("reviewed")
    return out


def has_corrections(data: dict) -> bool:
    return bool(data.get("words") or data.get("header") or data.get("targets"))


def write_corrections(path: Path, data: dict) -> None:
    from ..export.atomic import write_text
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def word_id(line: int, index: int) -> str:
    return f"{line}.{index}"


def parse_word_id(wid: str) -> tuple[int, int]:
    m = _WORD_ID.match(str(wid))
    if not m:
        raise CorrectionError(f"no word {wid!r} (word ids are LINE.INDEX, as GET /api/documents/ID gives them)")
    return int(m.group(1)), int(m.group(2))


def check_word_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CorrectionError("a correction needs the word's text (to delete a word, correct it to what the page has)")
    text = text.strip()
    if _WORD.fullmatch(text) is None:
        raise CorrectionError(f"{text!r}: a correction replaces one word, without spaces "
                              "(each word keeps its own box on the page)")
    if len(text) > 200:
        raise CorrectionError("a word of more than 200 characters")
    return text


# ----------------------------------------------------------------------------- words

def apply_words(restored: RestoredText, corrections: dict) -> tuple[RestoredText, set[tuple[int, int]], RestoredText]:
    """(the corrected text, the (line, index) of every checked word, the same text as the parser
    should read it). `restored` is not changed."""
    out = copy.deepcopy(restored)
    for_parse = copy.deepcopy(restored)
    checked: set[tuple[int, int]] = set()
    for wid, c in sorted((corrections.get("words") or {}).items()):
        try:
            li, wi = parse_word_id(wid)
        except CorrectionError:
            continue
        if not (0 <= li < len(out.lines)):
            continue
        line = out.lines[li]
        originals = line.original.split()
        if wi >= len(originals) or originals[wi] != c.get("original"):
            continue                                  # not the word the reviewer corrected
        _replace_word(line, wi, c["text"], keep_original=True)
        _replace_word(for_parse.lines[li], wi, c["text"], keep_original=False)
        checked.add((li, wi))
    return out, checked, for_parse


def _replace_word(line, wi: int, text: str, *, keep_original: bool) -> None:
    """Word `wi` of the restored line becomes `text`; its tokens follow (confidence 1: checked)."""
    spans = [m.span() for m in _WORD.finditer(line.text)]
    if wi >= len(spans):
        return
    a, b = spans[wi]
    line.text = line.text[:a] + text + line.text[b:]
    ospans = [m.span() for m in _WORD.finditer(line.original)]
    oa, ob = ospans[wi]
    mine = [t for t in line.tokens if oa <= t.start < ob]
    pieces = [p for p in split_line(text) if p.core]
    box = line.boxes[wi] if line.boxes and wi < len(line.boxes) else None
    if len(mine) == len(pieces) and mine:
        for t, p in zip(mine, pieces):
            t.text, t.confidence, t.alternatives = p.core, 1.0, []
            if not keep_original:
                t.original = p.core
    else:                                             # one token for the word as corrected
        first = mine[0] if mine else None
        new = RestoredToken(text=text, original=line.original[oa:ob] if keep_original else text, confidence=1.0,
                            start=oa, end=ob, ocr_confidence=first.ocr_confidence if first else None, box=box)
        line.tokens = sorted([t for t in line.tokens if t not in mine] + [new], key=lambda t: t.start)


# ----------------------------------------------------------------------------- plan

def check_header(fields: dict) -> dict:
    if not isinstance(fields, dict):
        raise CorrectionError("header must be an object of fields")
    out = {}
    for k, v in fields.items():
        if k not in HEADER_FIELDS:
            raise CorrectionError(f"no header field {k!r} (fields: {', '.join(HEADER_FIELDS)})")
        if v is not None and not isinstance(v, str):
            raise CorrectionError(f"header field {k!r} must be text or null")
        v = v.strip() if isinstance(v, str) else None
        if k == "date" and v:
            try:
                date.fromisoformat(v)
            except ValueError:
                raise CorrectionError(f"date {v!r} is not YYYY-MM-DD") from None
        out[k] = v or None
    return out


def target_at(plan: Plan, tid: str):
    parts = str(tid).split(".")
    try:
        idx = [int(p) for p in parts]
    except ValueError:
        return None
    items = plan.targets
    target = None
    for k in idx:
        if not 0 <= k < len(items):
            return None
        target = items[k]
        items = target.breakdown
    return target if len(idx) <= 2 else None


def check_target_edit(plan: Plan, edit: dict) -> tuple[str, dict]:
    if not isinstance(edit, dict) or "id" not in edit:
        raise CorrectionError("each target edit needs its id")
    target = target_at(plan, edit["id"])
    if target is None:
        raise CorrectionError(f"no target {edit['id']!r}")
    out = {}
    for k, v in edit.items():
        if k == "id":
            continue
        if k not in TARGET_FIELDS:
            raise CorrectionError(f"a target's {k!r} cannot be edited (fields: {', '.join(TARGET_FIELDS)})")
        if k in ("value", "value_max"):
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise CorrectionError(f"{k} must be a number or null")
        elif v is not None and not isinstance(v, str):
            raise CorrectionError(f"{k} must be text or null")
        out[k] = v.strip() if isinstance(v, str) else v
    if "indicator" in out and not out["indicator"]:
        raise CorrectionError("a target's indicator cannot be empty")
    out["raw"] = target.raw
    return str(edit["id"]), out


def apply_plan_edits(plan: Plan, corrections: dict) -> None:
    for k, v in (corrections.get("header") or {}).items():
        if k in HEADER_FIELDS:
            setattr(plan.header, k, v)
    for tid, edit in (corrections.get("targets") or {}).items():
        target = target_at(plan, tid)
        if target is None or target.raw != edit.get("raw"):
            continue                                  # the text changed under it: not the same target
        for k in TARGET_FIELDS:
            if k in edit:
                setattr(target, k, edit[k])


def corrected(restored: RestoredText, source, corrections: dict):
    """(corrected RestoredText, its Plan, the checked words) from the restoration as processed."""
    from ..parse import parse_plan
    from ..parse.numerals import write_back_numerals
    from ..restore.quality import quality_of
    text, checked, for_parse = apply_words(restored, corrections)
    plan = parse_plan(for_parse, source)
    write_back_numerals(text, plan)
    plan.quality = quality_of(text, checked=checked)
    apply_plan_edits(plan, corrections)
    return text, plan, checked
