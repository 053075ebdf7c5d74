"""A plain `pip install .` must give a working sohoa: data files and schema inside the wheel."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import LEGACY_SAMPLE, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("sohoa-*.whl")
    return whl


def test_wheel_carries_data_and_schema(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipeline/export/plan.schema.json" in names
    assert any(n.startswith("pipeline/dictionaries/") and not n.endswith(".py") for n in names) or \
        "pipeline/dictionaries/__init__.py" in names
    assert "pipeline/cli.py" in names
    assert not any(n.startswith(("tests/", "benchmarks/", "dictionaries/")) for n in names)


def test_installed_wheel_runs_sohoa(wheel, tmp_path):
    """Install the wheel (without deps: they are in this venv) into a fresh folder and run it from there,
    away from the source tree, so nothing can come from the checkout."""
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import pipeline, pipeline.resources as r;"
            "assert pipeline.__file__.startswith(sys.argv[1]), pipeline.__file__;"
            "print(r.dictionaries_dir()); print(r.schema_path().is_file());"
            "from pipeline.cli import main; sys.exit(main(['process', sys.argv[2], '-o', sys.argv[3], '--formats', 'json']))")
    r = subprocess.run([sys.executable, "-c", code, str(target), str(LEGACY_SAMPLE), str(tmp_path / "out")],
                       capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": ""})
    assert r.returncode == 0, r.stderr
    dict_dir, schema_ok = r.stdout.split("\n")[:2]
    assert dict_dir.startswith(str(target)) and schema_ok == "True"
    assert (tmp_path / "out" / f"{LEGACY_SAMPLE.stem}.json").exists()
