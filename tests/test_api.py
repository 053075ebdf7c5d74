"""The Python API: `from pipeline import process, restore`, and the outputs read back."""
from __future__ import annotations

import json

from docx import Document as DocxDocument

import pipeline
from pipeline.export.json_plan import read_plan_json, validation_errors
from pipeline.model import Plan
from tests.conftest import LEGACY_SAMPLE, SCAN_SAMPLE, SCAN_SAMPLE_GOLD

CONTRACT_KEYS = ["schema", "source", "header", "title", "year", "locality", "theme", "sections", "goals",
                 "targets", "tasks", "assignments", "references", "recipients", "quality",
                 "tables"]          # tables came later: added at the end (issue 16)


def test_restore_returns_text_line_for_line():
    text = "Thực hiện\n\nkế hoạch năm 2025"
    restored = pipeline.restore(text)
    assert restored.text == text                  # clean text comes out unchanged
    assert [l.original for l in restored.lines] == text.split("\n")
    assert all(t.original == t.text for t in restored.tokens)


def test_restore_normalises_tone_placement():
    assert pipeline.restore("văn hoá, thuỷ lợi").text == "văn hóa, thủy lợi"
    assert pipeline.restore("văn hoá", tone_style="old").text == "văn hoá"
    assert pipeline.restore("văn hóa", tone_style="old").text == "văn hoá"


def test_process_without_outdir_returns_plan_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = pipeline.process(LEGACY_SAMPLE)
    assert isinstance(plan, Plan)
    assert list(tmp_path.iterdir()) == []
    assert plan.quality.tokens > 1000


def test_written_json_has_every_contract_key_and_round_trips(tmp_path):
    plan = pipeline.process(LEGACY_SAMPLE, outdir=tmp_path)
    data = json.loads((tmp_path / f"{LEGACY_SAMPLE.stem}.json").read_text(encoding="utf-8"))
    assert list(data) == CONTRACT_KEYS
    assert validation_errors(data) == []
    assert read_plan_json(tmp_path / f"{LEGACY_SAMPLE.stem}.json").to_dict() == plan.to_dict()


def test_docx_reads_back_with_the_restored_text(tmp_path):
    pipeline.process(LEGACY_SAMPLE, outdir=tmp_path, formats=("docx", "txt"))
    doc = DocxDocument(str(tmp_path / f"{LEGACY_SAMPLE.stem}.docx"))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]   # header, targets, Nơi nhận
    body = "\n".join([p.text for p in doc.paragraphs] + cells)
    txt = (tmp_path / f"{LEGACY_SAMPLE.stem}.txt").read_text(encoding="utf-8")
    # every non-empty restored line appears in the document's text
    words_txt = set(txt.split())
    words_doc = set(body.split())
    assert len(words_txt & words_doc) / len(words_txt) > 0.95


def test_schema_rejects_a_broken_plan():
    data = pipeline.process(LEGACY_SAMPLE).to_dict()
    del data["targets"]
    data["year"] = "2024"
    errors = validation_errors(data)
    assert any("targets" in e for e in errors) and any("year" in e for e in errors)


def test_scan_through_real_tesseract(tmp_path):
    """A rendered office-quality page, read by the real Tesseract `vie`, comes out close to its text."""
    from tests.benchmarks_vnscore import score
    plan = pipeline.process(SCAN_SAMPLE, outdir=tmp_path, formats=("json", "txt"))
    assert plan.source.kind == "image" and plan.source.ocr["lang"] == "vie"
    assert plan.source.ocr["engine"].startswith("tesseract")
    text = (tmp_path / f"{SCAN_SAMPLE.stem}.txt").read_text(encoding="utf-8")
    assert score(SCAN_SAMPLE_GOLD.read_text(encoding="utf-8"), text)["acc"] > 0.97
    confs = [t.ocr_confidence for t in pipeline.api.process_document(SCAN_SAMPLE, pipeline.ProcessOptions(outdir=None)).restored.tokens]
    assert confs and all(c is not None and 0 <= c <= 100 for c in confs)
