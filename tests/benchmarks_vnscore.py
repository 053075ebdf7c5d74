"""The shared syllable scorer (benchmarks/vnscore.py), importable from the tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from vnscore import score, tokens  # noqa: E402,F401
