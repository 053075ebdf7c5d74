"""`sohoa targets`: one row per target and breakdown item, as CSV, JSON lines and CSV for Excel."""
from __future__ import annotations

import csv
import io
import json

import pytest

import pipeline
from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.export.json_plan import write_plan_json
from pipeline.export.targets import TARGET_COLUMNS
from tests.yearly_plans import T, as_text, plan, plan_2024, plan_2025


def expected_rows():
    rows = []
    for p in (plan_2024(), plan_2025()):
        for t in p.targets:
            rows.append((p.source.path, p.year, t.indicator, t.value, t.unit, None))
            rows += [(p.source.path, p.year, b.indicator, b.value, b.unit, t.indicator) for b in t.breakdown]
    return rows


@pytest.fixture
def plan_files(tmp_path):
    paths = [tmp_path / "dong-son-2024.json", tmp_path / "dong-son-2025.json"]
    write_plan_json(plan_2024(), paths[0])
    write_plan_json(plan_2025(), paths[1])
    return paths


def num(text: str, decimal: str = "."):
    if text == "":
        return None
    v = float(text.replace(decimal, "."))
    return int(v) if v.is_integer() else v


def test_csv_one_row_per_target_and_breakdown_item(plan_files, tmp_path):
    out = tmp_path / "targets.csv"
    assert main(["targets", *map(str, plan_files), "-o", str(out)]) == ExitCode.OK
    with open(out, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == TARGET_COLUMNS
        rows = list(reader)
    got = [(r["document"], int(r["year"]), r["indicator"], num(r["value"]), r["unit"] or None, r["parent"] or None)
           for r in rows]
    assert got == expected_rows()
    assert {r["locality"] for r in rows} == {"Đông Sơn"}
    ranked = {r["indicator"]: r for r in rows}
    assert ranked["Năng suất lúa bình quân"]["value"] == "58.5" and ranked["Năng suất lúa bình quân"]["line"] == "104"
    assert ranked["Tỷ lệ hộ nghèo"]["qualifier"] == "giảm còn"
    assert ranked["Phát triển chăn nuôi"]["value"] == ""       # a heading: its items carry the values


def test_jsonl_rows_with_json_numbers(plan_files, tmp_path):
    out = tmp_path / "targets.jsonl"
    assert main(["targets", *map(str, plan_files), "-o", str(out)]) == ExitCode.OK   # format from the extension
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(list(r) == TARGET_COLUMNS for r in rows)
    assert [(r["document"], r["year"], r["indicator"], r["value"], r["unit"], r["parent"]) for r in rows] == expected_rows()
    assert isinstance(rows[0]["value"], int) and any(isinstance(r["value"], float) for r in rows)


def test_excel_csv_bom_semicolons_decimal_comma(plan_files, tmp_path):
    out = tmp_path / "targets.csv"
    assert main(["targets", *map(str, plan_files), "--excel", "-o", str(out)]) == ExitCode.OK
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == TARGET_COLUMNS
    body = [dict(zip(TARGET_COLUMNS, r)) for r in rows[1:]]
    assert [(r["document"], int(r["year"]), r["indicator"], num(r["value"], ","), r["unit"] or None, r["parent"] or None)
            for r in body] == expected_rows()
    rice = next(r for r in body if r["indicator"] == "Năng suất lúa bình quân")
    assert rice["value"] == "58,5"


def test_excel_guards_text_that_looks_like_a_formula(tmp_path):
    p = plan(2025, [T(1, "=SUM(A1)", 3, "ha"), T(2, "- Trồng rừng", 4, "ha"), T(3, "Thu - chi", 5, "tỷ đồng")], [])
    write_plan_json(p, tmp_path / "p.json")
    assert main(["targets", str(tmp_path / "p.json"), "--excel", "-o", str(tmp_path / "t.csv")]) == ExitCode.OK
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))
    assert [r[4] for r in rows[1:]] == ["'=SUM(A1)", "'- Trồng rừng", "Thu - chi"]


def test_folders_documents_and_bad_inputs(plan_files, tmp_path, capsysbinary):
    # an OUTDIR of `sohoa process`: plan.json beside plan.txt counts once; a diff JSON is not a plan
    out = tmp_path / "out"
    doc = tmp_path / "dong-son-2025.txt"
    doc.write_text(as_text(plan_2025()), encoding="utf-8")
    assert main(["process", str(doc), "-o", str(out), "--formats", "json,txt"]) == ExitCode.OK
    assert main(["diff", str(plan_files[0]), str(plan_files[1]), "-o", str(out / "diff.json")]) == ExitCode.OK
    capsysbinary.readouterr()
    assert main(["targets", str(out), "--format", "jsonl"]) == ExitCode.OK
    from_folder = [json.loads(l) for l in capsysbinary.readouterr().out.decode("utf-8").splitlines()]
    # the same rows as straight from the document (processed through the whole pipeline)
    assert main(["targets", str(doc), "--format", "jsonl"]) == ExitCode.OK
    from_doc = [json.loads(l) for l in capsysbinary.readouterr().out.decode("utf-8").splitlines()]
    assert from_folder == from_doc
    targets = pipeline.process(doc).targets
    assert len(from_doc) == len(targets) + sum(len(t.breakdown) for t in targets)

    # one bad input is named; the others are still exported
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["targets", str(plan_files[0]), str(bad), str(plan_files[1]), "--format", "jsonl"]) == \
        ExitCode.INPUT_FAILED
    captured = capsysbinary.readouterr()
    assert str(bad) in captured.err.decode("utf-8")
    assert len(captured.out.decode("utf-8").splitlines()) == len(expected_rows())


def test_excel_with_jsonl_is_a_usage_error(plan_files):
    assert main(["targets", str(plan_files[0]), "--format", "jsonl", "--excel"]) == ExitCode.USAGE
