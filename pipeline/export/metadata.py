"""The archive's metadata sheet of a batch: OUTDIR/metadata.csv (and metadata.xlsx with --excel),
one row per document, with the document-level fields of Thông tư 05/2025/TT-BNV (which replaced
Thông tư 02/2019/TT-BNV) that a document itself shows, under their Vietnamese names, in the
standard's order. Archive staff type these by hand today; sohoa fills what it read and leaves
what only the archive knows (mã hồ sơ, số thứ tự văn bản) empty.

Decisions where the standard leaves room (README, "The metadata sheet"):
- the date is written dd/mm/yyyy as Vietnamese archives write it; a date read at a lower
  precision as mm/yyyy or yyyy;
- "Mức độ tin cậy" says how sure the reading is (Cao, Trung bình, Thấp), from the fields the
  header reader doubted and the restoration's confidence; the fields to check are in "Ghi chú";
- "Bút tích" is "Có" when the number or the day could not be read while the print around it
  could (where a hand fills them in at registration), empty otherwise: the signature itself is
  not counted, every signed document has one;
- a document that failed still has its row: its file name, and the error in "Ghi chú".

The CSV is UTF-8 with a byte order mark and `,` separators (Excel and LibreOffice open it with
the diacritics intact); a cell that a spreadsheet would take for a formula (starting with
= + - @, a tab or a carriage return) is written with a leading apostrophe. The .xlsx is written
with openpyxl (pure Python, MIT, maintained; the one widely used library that writes real .xlsx
without a spreadsheet program), every cell as text but the page count.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..model import Plan
from .atomic import write_bytes, write_text

METADATA_CSV = "metadata.csv"
METADATA_XLSX = "metadata.xlsx"

# (column, what fills it). Archive columns first and last as the standard lists them.
COLUMNS = [
    "Mã hồ sơ",                                  # the archive's file code: left to the archive
    "Số thứ tự văn bản",                         # the document's place in its file: left to the archive
    "Tên loại văn bản",
    "Số của văn bản",
    "Ký hiệu của văn bản",
    "Ngày, tháng, năm văn bản",
    "Tên cơ quan, tổ chức ban hành văn bản",
    "Trích yếu nội dung",
    "Ngôn ngữ",
    "Số lượng trang",
    "Người ký",
    "Chức vụ người ký",
    "Từ khóa",
    "Mức độ tin cậy",
    "Bút tích",
    "Ghi chú",
    "Tên tệp",
]

# header field -> its name in Ghi chú
_FIELD_NAMES = {"doc_type": "tên loại", "number": "số", "code_number": "số", "code_notation": "ký hiệu",
                "date": "ngày tháng", "place": "địa danh", "issuer": "cơ quan ban hành", "issuer_parent": "cơ quan chủ quản",
                "summary": "trích yếu", "signer": "người ký", "signer_title": "chức vụ người ký", "authority": "thẩm quyền ký"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def vn_date(iso: str | None) -> str:
    """"2025-01-10" -> "10/01/2025"; "2025-01" -> "01/2025"; "2025" -> "2025"."""
    if not iso:
        return ""
    parts = iso.split("-")
    return "/".join(reversed(parts))


def _sentence_case(text: str | None) -> str:
    return text[:1].upper() + text[1:].lower() if text else ""


def reading_level(plan: Plan) -> str:
    """How sure the reading is: Cao (high), Trung bình (medium), Thấp (low)."""
    h = plan.header
    unsure = {f for f in h.unsure if f != "code_number"}
    conf = plan.quality.mean_confidence
    found = sum(bool(x) for x in (h.doc_type, h.number, h.date, h.issuer))
    if len(unsure) >= 3 or found <= 1 or (conf is not None and conf < 0.85):
        return "Thấp"
    if unsure or found < 4 or (conf is not None and conf < 0.97):
        return "Trung bình"
    return "Cao"


def metadata_row(plan: Plan, file: str) -> dict[str, object]:
    """The sheet's row for one document."""
    h = plan.header
    doubts = list(dict.fromkeys(_FIELD_NAMES[f] for f in h.unsure if f in _FIELD_NAMES))
    notes = f"Cần kiểm tra: {', '.join(doubts)}" if doubts else ""
    # a number whose printed notation was read but not its digits, a date whose day or month
    # could not be read: in a header that is where a hand writes (the number and the day are
    # filled in when the document is registered)
    hand = bool(h.code_notation and not h.code_number) or bool(h.date and len(h.date) < 10)
    return {
        "Mã hồ sơ": "", "Số thứ tự văn bản": "",
        "Tên loại văn bản": _sentence_case(h.doc_type),
        "Số của văn bản": h.code_number or "",
        "Ký hiệu của văn bản": h.code_notation or "",
        "Ngày, tháng, năm văn bản": vn_date(h.date),
        "Tên cơ quan, tổ chức ban hành văn bản": h.issuer or "",
        "Trích yếu nội dung": h.summary or plan.title or "",
        "Ngôn ngữ": "Tiếng Việt",
        "Số lượng trang": plan.source.pages,
        "Người ký": h.signer or "",
        "Chức vụ người ký": h.signer_title or "",
        "Từ khóa": plan.theme or "",
        "Mức độ tin cậy": reading_level(plan),
        "Bút tích": "Có" if hand else "",
        "Ghi chú": notes,
        "Tên tệp": file,
    }


def failed_row(file: str, error: str | None, status: str = "failed") -> dict[str, object]:
    """The row of a document that could not be read (its error in Ghi chú)."""
    row: dict[str, object] = {c: "" for c in COLUMNS}
    row["Tên tệp"] = file
    row["Ghi chú"] = f"Không đọc được: {error}" if status == "failed" else "Chưa xử lý (lần chạy bị dừng)"
    return row


def metadata_row_from_json(outdir: Path, outputs: dict | None, file: str) -> dict[str, object]:
    """The row of a document done by a run from before the metadata sheet (its manifest row has
    none): from its plan JSON when it was written, else the file name and a note."""
    import json
    rel = (outputs or {}).get("json")
    if rel:
        try:
            plan = Plan.from_dict(json.loads((Path(outdir) / rel).read_text(encoding="utf-8")))
            return metadata_row(plan, file)
        except (OSError, ValueError, TypeError, KeyError):
            pass
    row = failed_row(file, None)
    row["Ghi chú"] = "Xử lý trước khi có bảng này: chạy lại với --force để điền"
    return row


def _guard(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def metadata_csv(rows: list[dict]) -> str:
    """UTF-8 CSV with a byte order mark (for Excel), every cell guarded against formula injection."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in rows:
        w.writerow([_guard(row.get(c)) for c in COLUMNS])
    return "\ufeff" + buf.getvalue()


def metadata_xlsx(rows: list[dict]) -> bytes:
    """The same sheet as .xlsx: text cells (never formulas), the page count as a number, the
    header row bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Văn bản"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(COLUMNS, start=1):
            value = row.get(column)
            if isinstance(value, int) and not isinstance(value, bool):
                ws.cell(row=r, column=c, value=value)
            else:
                cell = ws.cell(row=r, column=c, value=_strip_controls("" if value is None else str(value)))
                cell.data_type = "s"    # text: "=..." is never a formula
    ws.freeze_panes = "A2"
    for c, column in enumerate(COLUMNS, start=1):
        longest = max([len(column)] + [len(str(row.get(column) or "")) for row in rows])
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = min(60, max(10, longest + 2))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _strip_controls(text: str) -> str:
    """XML (and so .xlsx) cannot hold most control characters."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def write_metadata(outdir: Path, rows: list[dict], *, excel: bool = False) -> list[Path]:
    """OUTDIR/metadata.csv (and metadata.xlsx), each written atomically."""
    written = [write_text(Path(outdir) / METADATA_CSV, metadata_csv(rows))]
    if excel:
        written.append(write_bytes(Path(outdir) / METADATA_XLSX, metadata_xlsx(rows)))
    return written
