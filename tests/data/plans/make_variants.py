#!/usr/bin/env python3
"""Make the degraded and OCR'd variants of the genre plans in this folder.

    python tests/data/plans/make_variants.py            # degraded text only (fast, no OCR)
    python tests/data/plans/make_variants.py --ocr      # also render and OCR every plan

For each NAME.txt (the clean plan, beside NAME.expected.json):
  NAME.degraded.txt  what restoration typically leaves behind (deterministic, seeded by NAME):
                     Roman numerals read as "Il.", "1I.", "HI.", "1V"; a stray "‘" before a
                     number; "2,8%" written "2.8 %"; lines re-broken mid-sentence; page breaks
                     with blank lines, a repeated running header and a page number (table rows,
                     `a | b | c`, are neither re-broken nor followed by a page break).
  NAME.vie.txt       the plan rendered as an office-quality scan (benchmarks/synth_scan.py) and
                     read by Tesseract `vie` (a Vietnamese-model OCR of a scan);
  NAME.eng.txt       the same scan read by Tesseract `eng` (legacy OCR: diacritics lost or
                     mangled, as in samples/tam-tien-2024.txt).
The OCR files are kept in git so the tests need no Tesseract run to parse them; rerun with
--ocr after changing a plan.
"""
from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

ROMAN_LOOKALIKES = {"II": ["Il", "1I", "11", "lI"], "III": ["HI", "IIl", "Ill"], "IV": ["1V", "lV"],
                    "V": ["V"], "I": ["I", "l"]}


def degrade(text: str, seed: int) -> str:
    rnd = random.Random(seed)
    lines = text.split("\n")
    header = next((l for l in lines[:12] if l.strip().upper().startswith(("ỦY BAN", "UBND", "ĐẢNG ỦY", "PHÒNG"))), None)
    running = f"{header.split(' | ')[0].strip().title()} - Trang" if header else "Trang"
    out: list[str] = []
    page, since_break = 1, 0
    for line in lines:
        m = re.match(r"^(I{1,3}|IV|V)\.(\s+\S.*)$", line)
        if m and m.group(1) in ROMAN_LOOKALIKES:
            line = rnd.choice(ROMAN_LOOKALIKES[m.group(1)]) + rnd.choice([".", ".", ""]) + m.group(2)
        # "2,8%" -> "2.8 %": the decimal comma OCR'd as a point, a space before the sign
        line = re.sub(r"(\d+),(\d{1,2})\s*%", lambda k: f"{k.group(1)}.{k.group(2)} %" if rnd.random() < 0.6
                      else k.group(0), line)
        # a stray opening quote before the number after a colon
        line = re.sub(r":\s(\d)", lambda k: f": ‘{k.group(1)}" if rnd.random() < 0.25 else k.group(0), line)
        # a different line width: break long lines once more, mid-sentence
        pieces = [line]
        if len(line) > 60 and rnd.random() < 0.35 and not line.lstrip().startswith(("-", "+")) \
                and " | " not in line:          # a table row stays one row
            words = line.split(" ")
            cut = rnd.randint(len(words) // 2, len(words) - 2)
            pieces = [" ".join(words[:cut]), " ".join(words[cut:])]
        for piece in pieces:
            out.append(piece)
            since_break += 1
            if since_break >= 34 and piece.strip() and not piece.strip().endswith(":") and " | " not in piece:
                page += 1
                since_break = 0
                out += ["", "", f"{running} {page - 1}" if header else str(page - 1), "", running + f" {page}"
                        if header else "", ""]
    return "\n".join(out)


def ocr(txt: Path, lang: str, workdir: Path) -> str:
    pages = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth_scan.py"), str(txt),
                            str(workdir / txt.stem), "--profile", "office", "--seed", "3"],
                           check=True, capture_output=True, text=True).stdout.split()
    texts = []
    for page in pages:
        r = subprocess.run(["tesseract", page, "-", "-l", lang, "--psm", "4"], check=True,
                           capture_output=True, text=True)
        texts.append(r.stdout.rstrip("\n"))
    return "\n\n".join(texts) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ocr", action="store_true", help="also render and OCR (slow: Tesseract)")
    ap.add_argument("--force", action="store_true", help="redo OCR files that exist already")
    args = ap.parse_args()
    plans = sorted(p for p in HERE.glob("*.txt") if p.stem.count(".") == 0)
    for plan in plans:
        text = plan.read_text(encoding="utf-8")
        seed = zlib.crc32(plan.stem.encode())
        (HERE / f"{plan.stem}.degraded.txt").write_text(degrade(text, seed), encoding="utf-8")
        if args.ocr:
            with tempfile.TemporaryDirectory() as tmp:
                for lang in ("vie", "eng"):
                    dest = HERE / f"{plan.stem}.{lang}.txt"
                    if args.force or not dest.exists():
                        dest.write_text(ocr(plan, lang, Path(tmp)), encoding="utf-8")
        print(plan.stem)


if __name__ == "__main__":
    main()
