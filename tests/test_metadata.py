"""The archive's metadata sheet of a batch (issue 12): OUTDIR/metadata.csv, one row per document,
the fields of Thông tư 05/2025/TT-BNV in the standard's order; .xlsx with --excel; opened by
LibreOffice Calc with Vietnamese intact."""
from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from pipeline.api import ProcessOptions
from pipeline.batch import run_batch
from pipeline.export.metadata import COLUMNS, metadata_csv, metadata_row, vn_date, write_metadata
from pipeline.parse import parse_text

PLANS = Path(__file__).resolve().parent / "data" / "plans"

CONG_VAN = """UBND HUYỆN ĐỒNG XUÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHÒNG NÔNG NGHIỆP Độc lập - Tự do - Hạnh phúc
Số: 85/PNN-TT Đồng Xuân, ngày ,, tháng 3 năm 2025
V/v =HYPERLINK("x") và lịch gieo cấy vụ Xuân

Kính gửi: Ủy ban nhân dân các xã.

Phòng Nông nghiệp đề nghị các xã thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. TRƯỞNG PHÒNG
PHÓ TRƯỞNG PHÒNG
Hoàng Thị Lan
"""


def read_sheet(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                      # the BOM Excel needs for UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_row_of_a_document():
    row = metadata_row(parse_text(CONG_VAN), "in/cv.txt")
    assert list(row) == COLUMNS
    assert (row["Tên loại văn bản"], row["Số của văn bản"], row["Ký hiệu của văn bản"], row["Ngày, tháng, năm văn bản"],
            row["Tên cơ quan, tổ chức ban hành văn bản"], row["Người ký"], row["Chức vụ người ký"]) == (
        "Công văn", "85", "PNN-TT", "03/2025", "PHÒNG NÔNG NGHIỆP", "Hoàng Thị Lan", "PHÓ TRƯỞNG PHÒNG")
    # the day could not be read: the date at its legible precision, handwriting noted, to check
    assert (row["Bút tích"], row["Ghi chú"], row["Mã hồ sơ"], row["Số thứ tự văn bản"]) == (
        "Có", "Cần kiểm tra: ngày tháng", "", "")
    assert row["Mức độ tin cậy"] == "Trung bình"
    assert [vn_date(d) for d in ("2025-01-10", "2025-01", "2025", None)] == ["10/01/2025", "01/2025", "2025", ""]


def test_cells_are_guarded_against_formulas():
    rows = [{"Trích yếu nội dung": v, "Tên tệp": "f"} for v in ("=1+1", "+84 90", "-x", "@SUM(A1)", "\tx", "\rx", "ok")]
    lines = metadata_csv(rows).split("\r\n")[1:-1]
    cells = [next(csv.reader([line]))[COLUMNS.index("Trích yếu nội dung")] for line in lines]
    assert cells == ["'=1+1", "'+84 90", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "ok"]


def test_every_batch_writes_the_sheet(tmp_path):
    """One row per input of the run (done, skipped on a rerun, failed), the .xlsx with --excel,
    and a manifest from before the sheet migrated."""
    from openpyxl import load_workbook

    src = tmp_path / "in"
    src.mkdir()
    (src / "cv.txt").write_text(CONG_VAN, encoding="utf-8")
    (src / "ke-hoach.txt").write_text((PLANS / "dong-phong-2025.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "broken.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "out"
    log = io.StringIO()
    txt = ProcessOptions(outdir=out, formats=("txt",), jobs=1)
    assert run_batch([src], txt.with_(excel=True), stream=log) == 4
    rows = {Path(r["Tên tệp"]).name: r for r in read_sheet(out / "metadata.csv")}
    assert set(rows) == {"cv.txt", "ke-hoach.txt", "broken.pdf"}
    assert (rows["ke-hoach.txt"]["Tên loại văn bản"], rows["ke-hoach.txt"]["Số của văn bản"],
            rows["ke-hoach.txt"]["Người ký"], rows["ke-hoach.txt"]["Số lượng trang"]) == (
        "Kế hoạch", "15", "Nguyễn Văn Thành", "1")
    assert rows["cv.txt"]["Trích yếu nội dung"] == "'=HYPERLINK(\"x\") và lịch gieo cấy vụ Xuân"
    assert rows["broken.pdf"]["Ghi chú"].startswith("Không đọc được: [E107]")

    book = load_workbook(out / "metadata.xlsx")
    sheet = [dict(zip(COLUMNS, r)) for r in book.active.iter_rows(min_row=2, values_only=True)]
    cv = next(r for r in sheet if r["Tên tệp"].endswith("cv.txt"))
    assert cv["Trích yếu nội dung"] == "=HYPERLINK(\"x\") và lịch gieo cấy vụ Xuân"    # text, not a formula
    assert book.active.cell(row=2 + sheet.index(cv), column=COLUMNS.index("Trích yếu nội dung") + 1).data_type == "s"
    assert cv["Số lượng trang"] == 1

    # a rerun skips the unchanged inputs and keeps their rows (from the manifest: no plan JSON here)
    assert run_batch([src], txt, stream=log) == 4
    again = {Path(r["Tên tệp"]).name: r for r in read_sheet(out / "metadata.csv")}
    assert "0 done, 2 skipped" in log.getvalue() and again["ke-hoach.txt"] == rows["ke-hoach.txt"]

    # a manifest written before the sheet existed (no metadata column): rows from the plan JSON
    assert run_batch([src], ProcessOptions(outdir=out, formats=("json",), jobs=1), stream=log) == 4
    db = sqlite3.connect(out / "sohoa-manifest.sqlite")
    db.execute("ALTER TABLE inputs DROP COLUMN metadata")
    db.commit()
    db.close()
    assert run_batch([src], ProcessOptions(outdir=out, formats=("json",), jobs=1), stream=log) == 4
    migrated = {Path(r["Tên tệp"]).name: r for r in read_sheet(out / "metadata.csv")}
    assert migrated["ke-hoach.txt"] == rows["ke-hoach.txt"]


@pytest.mark.slow
def test_libreoffice_calc_opens_the_sheet_with_vietnamese_intact(tmp_path):
    """LibreOffice Calc (headless) converts metadata.csv to .xlsx; every cell reads back as
    written, diacritics and all."""
    from openpyxl import load_workbook

    exe = shutil.which("libreoffice") or shutil.which("soffice")
    if exe is None:
        pytest.fail("LibreOffice is not installed. Run `make test` (it installs libreoffice-calc-nogui), or "
                    "`apt-get install -y --no-install-recommends libreoffice-calc-nogui`.")
    rows = [metadata_row(parse_text(CONG_VAN), "in/cv.txt"),
            metadata_row(parse_text((PLANS / "dong-phong-2025.txt").read_text(encoding="utf-8")), "in/kh.txt")]
    (path,) = write_metadata(tmp_path, rows)
    # the import options a person picks in Calc's dialog: comma, double quote, UTF-8, from row 1,
    # every column as text (so 03/2025 stays as written)
    columns = "/".join(f"{k}/2" for k in range(1, len(COLUMNS) + 1))
    cmd = [exe, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--norestore",
           f"--infilter=CSV:44,34,76,1,{columns}", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(path)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    converted = tmp_path / "lo" / "metadata.xlsx"
    assert r.returncode == 0 and converted.exists(), r.stderr
    got = [list(row) for row in load_workbook(converted).active.iter_rows(values_only=True)]
    assert got[0] == COLUMNS
    want = [[str(row[c]) if row[c] != "" else None for c in COLUMNS] for row in rows]
    want[0][COLUMNS.index("Trích yếu nội dung")] = "'" + rows[0]["Trích yếu nội dung"]
    assert got[1:] == want
    assert "PHÓ TRƯỞNG PHÒNG" in got[1] and "ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG" in got[2]
