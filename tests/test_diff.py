"""`sohoa diff`: targets matched across two yearly plans, each kind of change, the four formats."""
from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.export.diff import CHANGE_KINDS, diff_plans
from pipeline.export.json_plan import write_plan_json
from pipeline.export.matching import assign, fold
from tests.yearly_plans import (EXPECTED, EXPECTED_SECTIONS, B, S, T, as_text, plan, plan_2024, plan_2025,
                                with_noise)


def score(diff: dict) -> tuple[int, list[dict], list[tuple]]:
    """(changes right, spurious changes, expected changes missed): a change is right when its
    indicator, unit, old, new and kind are."""
    got = list(diff["changes"])
    right, missed = 0, []
    for indicator, unit, old, new, kind in EXPECTED:
        hit = next((c for c in got if fold(c["indicator"]) == fold(indicator) and c["unit"] == unit
                    and c["old"] == old and c["new"] == new and c["change"] == kind), None)
        if hit is None:
            missed.append((indicator, unit, old, new, kind))
        else:
            got.remove(hit)
            right += 1
    return right, got, missed


def by_indicator(diff: dict) -> dict[str, dict]:
    return {c["indicator"]: c for c in diff["changes"]}


def test_yearly_plans_every_change_right():
    diff = diff_plans(plan_2024(), plan_2025())
    right, spurious, missed = score(diff)
    assert missed == [] and spurious == []
    assert right == len(EXPECTED)
    assert diff["summary"] == {kind: sum(e[4] == kind for e in EXPECTED) for kind in CHANGE_KINDS}
    assert [(s["number"], s["title"], s["change"]) for s in diff["sections"]] == EXPECTED_SECTIONS


def test_diff_json_contract_keys():
    diff = diff_plans(plan_2024(), plan_2025())
    assert {"old", "new", "changes"} <= set(diff)
    assert diff["old"]["year"] == 2024 and diff["new"]["year"] == 2025
    for c in diff["changes"]:
        assert list(c)[:7] == ["indicator", "unit", "old", "new", "delta", "pct", "change"]
        assert c["change"] in CHANGE_KINDS


def test_delta_and_percent():
    c = by_indicator(diff_plans(plan_2024(), plan_2025()))
    assert (c["thóc"]["delta"], c["thóc"]["pct"]) == (100, 3.85)
    assert (c["Tỷ lệ hộ nghèo"]["delta"], c["Tỷ lệ hộ nghèo"]["pct"]) == (-0.6, -17.14)
    assert c["Giao quân"]["delta"] == 0 and c["Giao quân"]["pct"] == 0
    added = c["Số trường học đạt chuẩn quốc gia"]
    assert (added["old"], added["delta"], added["pct"]) == (None, None, None)
    # renumbered and reworded: the old name and number are kept beside the new ones
    rice = c["Năng suất lúa bình quân đạt"]
    assert (rice["old_indicator"], rice["old_number"], rice["number"]) == ("Năng suất lúa bình quân", 4, 3)
    assert c["lợn"]["parent"] == "Phát triển chăn nuôi"


def test_units_of_one_kind_are_converted_and_other_units_are_not():
    c = by_indicator(diff_plans(plan_2024(), plan_2025()))["Thu ngân sách trên địa bàn"]
    # 5.400 triệu đồng -> 6,1 tỷ đồng: +0,7 tỷ đồng, +12,96 %; the old value as written, with its unit
    assert (c["old"], c["old_unit"], c["new"], c["unit"]) == (5400, "triệu đồng", 6.1, "tỷ đồng")
    assert (c["delta"], c["pct"], c["change"]) == (0.7, 12.96, "changed")
    same = diff_plans(plan(2024, [T(1, "Thu ngân sách", 5400, "triệu đồng")], []),
                      plan(2025, [T(1, "Thu ngân sách", 5.4, "tỷ đồng")], []))
    assert same["changes"][0]["change"] == "unchanged"
    # the same name with an unrelated unit: still this target, but no delta across units
    clash = diff_plans(plan(2024, [T(1, "Gia đình văn hóa", 1600, "hộ")], []),
                       plan(2025, [T(1, "Gia đình văn hóa", 92, "%")], []))
    assert [(x["change"], x["delta"], x["old_unit"], x["unit"]) for x in clash["changes"]] == \
        [("changed", None, "hộ", "%")]


def test_each_kind_of_change_alone():
    old = plan(2024, [T(1, "Trồng mới cây phân tán", 58000, "cây"), T(2, "Sản lượng thịt hơi", 2750, "tấn"),
                      T(3, "Tỷ lệ bao phủ bảo hiểm y tế", 95, "%", value_max=96)], [])
    new = plan(2025, [T(1, "Sản lượng thịt hơi", 2750, "tấn"), T(2, "Tỷ lệ bao phủ bảo hiểm y tế", 96, "%", value_max=97),
                      T(3, "Kiên cố hóa kênh mương", 2.5, "km")], [])
    kinds = {c["indicator"]: c["change"] for c in diff_plans(old, new)["changes"]}
    assert kinds == {"Sản lượng thịt hơi": "unchanged", "Tỷ lệ bao phủ bảo hiểm y tế": "changed",
                     "Kiên cố hóa kênh mương": "added", "Trồng mới cây phân tán": "removed"}
    # only the upper end of a range moved: still a change
    r = diff_plans(plan(2024, [T(1, "Tăng trưởng kinh tế", 7.5, "%", value_max=8.0)], []),
                   plan(2025, [T(1, "Tăng trưởng kinh tế", 7.5, "%", value_max=8.5)], []))
    assert [(c["change"], c["old_max"], c["new_max"]) for c in r["changes"]] == [("changed", 8, 8.5)]


def test_similar_names_are_not_forced_together():
    old = plan(2024, [T(1, "Sản lượng ngô", 550, "tấn"), T(2, "Tỷ lệ hộ nghèo", 3.5, "%")], [])
    new = plan(2025, [T(1, "Sản lượng lúa", 2700, "tấn"), T(2, "Tỷ lệ hộ nghèo", 3.1, "%"),
                      T(3, "Tỷ lệ hộ nghèo đa chiều", 5.0, "%")], [])
    kinds = sorted((c["indicator"], c["change"]) for c in diff_plans(old, new)["changes"])
    assert kinds == [("Sản lượng lúa", "added"), ("Sản lượng ngô", "removed"), ("Tỷ lệ hộ nghèo", "changed"),
                     ("Tỷ lệ hộ nghèo đa chiều", "added")]


def test_a_breakdown_item_that_became_a_target_is_followed():
    old = plan(2024, [T(1, "Phát triển chăn nuôi", None, breakdown=[B("Tổng đàn lợn", 8500, "con"),
                                                                    B("Tổng đàn gia cầm", 90000, "con")])], [])
    new = plan(2025, [T(1, "Chăn nuôi gia cầm", None, breakdown=[B("Tổng đàn gia cầm", 95000, "con")]),
                      T(2, "Tổng đàn lợn", 9000, "con")], [])
    changes = {c["indicator"]: c for c in diff_plans(old, new)["changes"]}
    assert set(changes) == {"Tổng đàn lợn", "Tổng đàn gia cầm"}     # headings without values are not changes
    assert (changes["Tổng đàn lợn"]["old"], changes["Tổng đàn lợn"]["new"], changes["Tổng đàn lợn"]["change"]) == \
        (8500, 9000, "changed")
    assert changes["Tổng đàn gia cầm"]["change"] == "changed"


def test_matching_is_one_to_one():
    old = plan(2024, [T(1, "Tỷ lệ hộ nghèo", 3.5, "%")], [])
    new = plan(2025, [T(1, "Tỷ lệ hộ nghèo", 3.1, "%"), T(2, "Tỷ lệ hộ nghèo", 3.0, "%")], [])
    kinds = sorted(c["change"] for c in diff_plans(old, new)["changes"])
    assert kinds == ["added", "changed"]
    # the best total wins over the greedy first choice
    pairs = assign([[0.90, 0.85], [0.84, 0.10]], 0.6)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0)]


@pytest.mark.parametrize("seed", range(12))
def test_names_damaged_like_restored_ocr_still_match(seed):
    """Tone marks changed, hooks lost, l read as 1, letters dropped: on ~30 % of the words."""
    diff = diff_plans(with_noise(plan_2024(), seed), with_noise(plan_2025(), seed + 100))
    changes = diff["changes"]
    expected = {(unit, old, new, kind) for _, unit, old, new, kind in EXPECTED}
    got = {(c["unit"], c["old"], c["new"], c["change"]) for c in changes}
    assert len(expected - got) <= 1 and len(changes) <= len(EXPECTED) + 1


def test_sections_added_and_removed():
    old = plan(2024, [], [S("I", "MỤC ĐÍCH, YÊU CẦU"), S("II", "NỘI DUNG", S("1", "Chỉ tiêu thi đua")),
                          S("III", "KHEN THƯỞNG")])
    new = plan(2025, [], [S("I", "MỤC ĐÍCH, YÊU CẦU"), S("II", "NỘI DUNG", S("1", "Chỉ tiêu thi đua"),
                                                          S("2", "Chuyển đổi số")), S("III", "TỔ CHỨC THỰC HIỆN")])
    got = sorted((s["path"], s["title"], s["change"]) for s in diff_plans(old, new)["sections"])
    assert got == [("II.2", "Chuyển đổi số", "added"), ("III", "KHEN THƯỞNG", "removed"),
                   ("III", "TỔ CHỨC THỰC HIỆN", "added")]


# ------------------------------------------------------------------------------ formats, CLI

@pytest.fixture
def plan_files(tmp_path):
    old, new = tmp_path / "dong-son-2024.json", tmp_path / "dong-son-2025.json"
    write_plan_json(plan_2024(), old)
    write_plan_json(plan_2025(), new)
    return old, new


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.text, self.open = 0, [], []

    def handle_starttag(self, tag, attrs):
        self.rows += tag == "tr"
        self.open.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_all_four_formats_written_and_read_back(plan_files, tmp_path, capsys):
    old, new = plan_files
    expected = diff_plans(plan_2024(), plan_2025(), old_label=str(old), new_label=str(new))
    for ext in ("md", "json", "csv", "html"):
        assert main(["diff", str(old), str(new), "-o", str(tmp_path / f"d.{ext}")]) == ExitCode.OK
    s = expected["summary"]
    assert f"{s['changed']} changed, {s['unchanged']} unchanged, {s['added']} added, {s['removed']} removed" \
        in capsys.readouterr().err

    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["changes"] == expected["changes"] and data["sections"] == expected["sections"]

    with open(tmp_path / "d.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(expected["changes"])
    assert list(rows[0])[:7] == ["indicator", "unit", "old", "new", "delta", "pct", "change"]
    for row, c in zip(rows, expected["changes"]):
        assert row["indicator"] == c["indicator"] and row["change"] == c["change"]
        assert (float(row["new"]) if row["new"] else None) == c["new"]

    md = (tmp_path / "d.md").read_text(encoding="utf-8")
    table = [l for l in md.splitlines() if l.startswith("| ") and not l.startswith("| #")]
    assert len([l for l in table if not l.startswith("|  | *")]) == len(expected["changes"])
    assert "| 2 | Diện tích gieo trồng cây hằng năm | ha | 1.240 | 1.240 | 0 | 0 % | unchanged |" in md
    assert "5.400 triệu đồng" in md and "+12,96 %" in md and "III. NHIỆM VỤ, GIẢI PHÁP" in md

    page = _Html()
    page.feed((tmp_path / "d.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert page.rows >= len(expected["changes"]) + 1
    assert all(c["indicator"] in text for c in expected["changes"])
    assert "style" in page.open and "script" not in page.open      # one file, nothing to fetch


def test_format_option_and_stdout(plan_files, capsysbinary):
    old, new = plan_files
    assert main(["diff", str(old), str(new), "--format", "json"]) == ExitCode.OK
    out = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert out["summary"]["added"] == 3
    assert main(["diff", str(old), str(new)]) == ExitCode.OK
    assert capsysbinary.readouterr().out.decode("utf-8").startswith("# Targets:")


def test_bad_inputs_are_named(tmp_path, plan_files, capsys):
    old, _ = plan_files
    missing = tmp_path / "none.json"
    assert main(["diff", str(old), str(missing)]) == ExitCode.INPUT_FAILED
    assert str(missing) in capsys.readouterr().err
    not_plan = tmp_path / "other.json"
    not_plan.write_text('{"hello": 1}', encoding="utf-8")
    assert main(["diff", str(not_plan), str(old)]) == ExitCode.INPUT_FAILED
    err = capsys.readouterr().err
    assert str(not_plan) in err and "E111" in err


def test_unknown_format_is_a_usage_error(plan_files):
    old, new = plan_files
    with pytest.raises(SystemExit) as e:
        main(["diff", str(old), str(new), "--format", "pdf"])
    assert e.value.code == ExitCode.USAGE


def test_raw_documents_are_processed_first_and_nothing_is_written(tmp_path, monkeypatch, capsysbinary):
    """Through the real pipeline: two yearly plans as documents, against the same two processed
    by `sohoa process` into plan JSON: the same diff, and no file written by `diff` itself."""
    docs = tmp_path / "docs"
    docs.mkdir()
    old_txt, new_txt = docs / "dong-son-2024.txt", docs / "dong-son-2025.txt"
    old_txt.write_text(as_text(plan_2024()), encoding="utf-8")
    new_txt.write_text(as_text(plan_2025()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", str(old_txt), str(new_txt), "--format", "json"]) == ExitCode.OK
    from_docs = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"] and len(list(docs.iterdir())) == 2

    assert main(["process", str(docs), "-o", str(tmp_path / "out"), "--formats", "json"]) == ExitCode.OK
    assert main(["diff", str(tmp_path / "out" / "dong-son-2024.json"), str(tmp_path / "out" / "dong-son-2025.json"),
                 "--format", "json"]) == ExitCode.OK
    from_plans = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert from_plans["changes"] == from_docs["changes"]
    assert from_plans["sections"] == from_docs["sections"]
    # the section the 2025 plan added is found in the real parser's output
    assert ("NHIỆM VỤ, GIẢI PHÁP", "added") in {(s["title"], s["change"]) for s in from_docs["sections"]}
    # whatever targets the parser finds, every change is well formed
    for c in from_docs["changes"]:
        assert c["change"] in CHANGE_KINDS and (c["old"] is not None or c["new"] is not None)


@pytest.mark.parametrize("seed", range(3))
def test_renumbered_and_reordered_plan_is_unchanged(seed):
    import random
    old = plan_2025()
    new = plan_2025()
    random.Random(seed).shuffle(new.targets)
    for n, t in enumerate(new.targets, 1):
        t.number = n
    diff = diff_plans(old, new)
    assert {c["change"] for c in diff["changes"]} == {"unchanged"}
    assert len(diff["changes"]) == sum(1 + len(t.breakdown) for t in old.targets) - 1   # less the heading
    # listed in the new plan's order
    tops = [c["indicator"] for c in diff["changes"] if c["parent"] is None]
    assert tops == [t.indicator for t in new.targets if t.value is not None]
