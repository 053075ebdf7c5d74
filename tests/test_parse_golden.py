"""Golden-file tests: whole plans in the genre (tests/data/plans/NAME.txt) parsed and compared
with their hand-written expected plan (NAME.expected.json), field by field; and the same plans
as restoration leaves them (NAME.degraded.txt) and as Tesseract `vie` read their rendered scans
(NAME.vie.txt, restored first), scored with the project's plan scorer.

The expected files were written by hand from the plan text, before or independently of the
parser's output (three of them - thi-tran-vinh-an, tram-y-te-phu-xuan, hong-son - were written
as a blind hold-out after the parser existed). Regenerate the variants with
tests/data/plans/make_variants.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from pipeline.export.json_plan import validation_errors
from pipeline.model import RawText, Source
from pipeline.parse import parse_plan, parse_text
from pipeline.restore import restore_text

PLANS = Path(__file__).resolve().parent / "data" / "plans"
ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted(p.name[: -len(".expected.json")] for p in PLANS.glob("*.expected.json"))


def load(name: str) -> tuple[str, dict]:
    text = (PLANS / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((PLANS / f"{name}.expected.json").read_text(encoding="utf-8"))
    return text, expected


def _norm(s):
    return " ".join(str(s).split()).lower() if s is not None else None


def _facts(targets, top=True):
    for t in targets:
        if t.get("value") is not None:
            yield t, top
        yield from _facts(t.get("breakdown") or [], top=False)


def _sections(expected: list, actual: list, path: str, errors: list[str]) -> None:
    numbers = [s["number"] for s in actual]
    if [s["number"] for s in expected] != numbers:
        errors.append(f"sections {path or '/'}: expected {[s['number'] for s in expected]}, got {numbers}")
        return
    for e, a in zip(expected, actual):
        here = f"{path}/{e['number']}"
        if "title" in e and _norm(e["title"]) != _norm(a["title"]):
            errors.append(f"section {here}: title {a['title']!r}, expected {e['title']!r}")
        _sections(e.get("children", []), a["children"], here, errors)


def compare(expected: dict, actual: dict) -> list[str]:
    """Every way `actual` differs from the hand-written `expected` plan."""
    errors: list[str] = []
    for key, value in expected.get("header", {}).items():
        if value != actual["header"].get(key):
            errors.append(f"header.{key}: {actual['header'].get(key)!r}, expected {value!r}")
    for key in ("title", "year", "locality", "theme"):
        if key in expected and _norm(expected[key]) != _norm(actual[key]):
            errors.append(f"{key}: {actual[key]!r}, expected {expected[key]!r}")
    _sections(expected["sections"], actual["sections"], "", errors)
    # targets: every expected number (with its unit, range and qualifier) found once, under an
    # indicator of the same words; nothing else
    pending = list(_facts(actual["targets"]))
    for e, top in _facts(expected["targets"]):
        want = (e["value"], e.get("value_max"), e.get("unit"), e.get("qualifier"))
        hit = next((k for k, (a, _) in enumerate(pending)
                    if (a["value"], a["value_max"], a["unit"], a["qualifier"]) == want
                    and fuzz.token_set_ratio(_norm(e["indicator"]), _norm(a["indicator"])) >= 90), None)
        if hit is None:
            errors.append(f"target missing: {e['indicator']!r} {want}")
            continue
        a, _ = pending.pop(hit)
        if top and e.get("number") is not None and a["number"] != e["number"]:
            errors.append(f"target {e['indicator']!r}: number {a['number']!r}, expected {e['number']!r}")
        if "raw" in e and a["raw"] != e["raw"]:
            errors.append(f"target {e['indicator']!r}: raw {a['raw']!r}, expected {e['raw']!r}")
        for key in ("previous", "source"):
            if key in e and a.get(key) != e[key]:
                errors.append(f"target {e['indicator']!r}: {key} {a.get(key)!r}, expected {e[key]!r}")
        if "places" in e and len(a.get("places") or []) != e["places"]:
            errors.append(f"target {e['indicator']!r}: stated in {len(a.get('places') or [])} places, expected {e['places']}")
    errors += [f"unexpected target: {a['indicator']!r} {a['value']} {a['unit']}" for a, _ in pending]
    if "tasks" in expected and [t["number"] for t in expected["tasks"]] != [t["number"] for t in actual["tasks"]]:
        errors.append(f"tasks: {[t['number'] for t in actual['tasks']]}")
    got = [(a["number"], a["assignee"], a["deadline"]) for a in actual["assignments"]]
    want = [(a["number"], a["assignee"], a["deadline"]) for a in expected["assignments"]]
    if got != want:
        errors.append(f"assignments: {got}, expected {want}")
    for e, a in zip(expected["assignments"], actual["assignments"]):
        for key in ("co_assignees", "product", "source"):
            if key in e and a.get(key) != e[key]:
                errors.append(f"assignment {e['assignee']!r}: {key} {a.get(key)!r}, expected {e[key]!r}")
    if "tables" in expected:
        shape = [(t.get("kind"), t.get("header_rows"), t.get("columns")) for t in actual.get("tables") or []]
        if shape != [(t["kind"], t["header_rows"], t["columns"]) for t in expected["tables"]]:
            errors.append(f"tables: {shape}")
    for e, a in zip(expected["references"], actual["references"]):
        for key, value in e.items():
            if a.get(key) != value:
                errors.append(f"reference {e.get('number') or e.get('title')}: {key} {a.get(key)!r}, expected {value!r}")
    if len(expected["references"]) != len(actual["references"]):
        errors.append(f"references: {[r['number'] or r['title'] for r in actual['references']]}")
    if expected["recipients"] != actual["recipients"]:
        errors.append(f"recipients: {actual['recipients']}")
    if "goals" in expected and [g["kind"] for g in expected["goals"]] != [g["kind"] for g in actual["goals"]]:
        errors.append(f"goals: {[g['kind'] for g in actual['goals']]}")
    return errors


@pytest.mark.parametrize("name", NAMES)
def test_clean_plan_matches_its_expected_plan(name):
    text, expected = load(name)
    actual = parse_text(text).to_dict()
    assert validation_errors(actual) == []
    assert compare(expected, actual) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_item_points_at_its_line(name):
    text, _ = load(name)
    lines = text.split("\n")
    plan = parse_text(text)
    for t in plan.targets:
        for item in [t] + t.breakdown:
            if item.value is not None:
                assert item.raw.split()[0] in lines[item.line - 1], (item, lines[item.line - 1])
    for r in plan.references:
        assert r.kind.split()[0].lower() in lines[r.line - 1].lower(), (r, lines[r.line - 1])
    for a in plan.assignments:
        assert a.assignee.split()[0] in lines[a.line - 1]
    for s in plan.sections:
        assert s.number in lines[s.line - 1] or s.number in ("II", "III", "IV")


def score(expected_path: Path, plan_dict: dict, tmp_path: Path) -> float:
    """Overall score of the project's plan scorer (benchmarks/plan_score.py), run as a program."""
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(plan_dict, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "plan_score.py"), str(expected_path), str(pred)],
                         capture_output=True, text=True)
    return float(out.stdout.rsplit("overall=", 1)[1])


def restored_plan(name: str, variant: str):
    """The plan of a variant of a test plan, restored first as `sohoa process` does."""
    raw = RawText.from_string((PLANS / f"{name}.{variant}.txt").read_text(encoding="utf-8"))
    return parse_plan(restore_text(raw), Source(path=name, sha256="0" * 64, kind="text", pages=1))


@pytest.mark.parametrize("name", [n for n in NAMES if (PLANS / f"{n}.degraded.txt").exists()])
def test_degraded_plan_scores_as_well(name, tmp_path):
    """What restoration leaves behind ("Il.", "HI.", "‘58.000", "2.8 %", page breaks), parsed
    as is and after the restoration stage."""
    text = (PLANS / f"{name}.degraded.txt").read_text(encoding="utf-8")
    assert score(PLANS / f"{name}.expected.json", parse_text(text).to_dict(), tmp_path) >= 0.95
    assert score(PLANS / f"{name}.expected.json", restored_plan(name, "degraded").to_dict(), tmp_path) >= 0.95


@pytest.mark.parametrize("name", [n for n in NAMES if (PLANS / f"{n}.vie.txt").exists()])
def test_vietnamese_ocr_of_the_scan_scores_well(name, tmp_path):
    """Real Tesseract `vie` output of the rendered plan, through restoration, then parsed."""
    assert score(PLANS / f"{name}.expected.json", restored_plan(name, "vie").to_dict(), tmp_path) >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if (PLANS / f"{n}.eng.txt").exists()])
def test_legacy_ocr_of_the_scan_scores_well(name, tmp_path):
    """Tesseract `eng` on the rendered plan (legacy OCR: diacritics lost), restored, parsed: the
    acceptance bar for unseen plans is 0.90."""
    assert score(PLANS / f"{name}.expected.json", restored_plan(name, "eng").to_dict(), tmp_path) >= 0.90


@pytest.mark.parametrize("name", NAMES)
def test_the_plan_as_its_authors_word_file_matches_its_expected_plan(name, tmp_path):
    """The same plan as a Word file (tests/word_files.text_to_word: numbered by Word's automatic
    numbering, the headings the text lost their numbers on numbered again, rows as tables, the
    header and closing as layout tables), through `sohoa process`: the same expected plan."""
    from pipeline.api import ProcessOptions, process_document
    from tests.word_files import text_to_word

    text, expected = load(name)
    docx = text_to_word(text, tmp_path / f"{name}.docx")
    actual = process_document(docx, ProcessOptions(outdir=None)).plan.to_dict()
    assert validation_errors(actual) == []
    assert compare(expected, actual) == []
