"""The DOCX as LibreOffice lays it out: converted to PDF headless, then read and rendered with
pypdfium2 (page size, text with its diacritics, fonts, where the ink falls, review highlights).

LibreOffice is part of the test set-up (`make test` installs libreoffice-writer-nogui); when it
is missing these tests fail and say how to install it, rather than skip.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipeline.api import ProcessOptions, process_document
from pipeline.export.docx import write_docx
from pipeline.export.docx_styles import MARGINS_MM
from tests.conftest import LEGACY_SAMPLE, SCAN_SAMPLE
from tests.docx_samples import tan_phong

pytestmark = pytest.mark.slow
A4_PT = (595.3, 841.9)
RENDER_DPI = 60


def libreoffice() -> str:
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    if exe is None:
        pytest.fail("LibreOffice is not installed, so the DOCX cannot be checked as a printed page. "
                    "Run `make test` (it installs libreoffice-writer-nogui), or "
                    "`apt-get install -y --no-install-recommends libreoffice-writer-nogui`.")
    return exe


def convert_to_pdf(docs: list[Path], outdir: Path) -> list[Path]:
    """One headless LibreOffice run for all `docs`, with a profile of its own (so a desktop
    LibreOffice or another test run does not lock it)."""
    profile = outdir / "lo-profile"
    cmd = [libreoffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docs)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    pdfs = [outdir / f"{d.stem}.pdf" for d in docs]
    missing = [p.name for p in pdfs if not p.exists()]
    assert r.returncode == 0 and not missing, f"LibreOffice failed ({r.returncode}): {r.stderr} {missing}"
    return pdfs


def pdf_text(pdf_path: Path) -> list[str]:
    """Text of each page, NFC, whitespace collapsed."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = []
        for page in pdf:
            text = page.get_textpage().get_text_range()
            pages.append(" ".join(unicodedata.normalize("NFC", text).split()))
        return pages
    finally:
        pdf.close()


def page_sizes(pdf_path: Path) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [tuple(round(x, 1) for x in page.get_size()) for page in pdf]
    finally:
        pdf.close()


def render(pdf_path: Path, index: int = 0, dpi: int = RENDER_DPI):
    """Page `index` as an RGB numpy array."""
    import numpy as np
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[index].render(scale=dpi / 72).to_pil().convert("RGB")
        return np.asarray(image)
    finally:
        pdf.close()


def ink_box_mm(pixels, dpi: int = RENDER_DPI) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of everything not white, in mm from the page's top-left."""
    import numpy as np
    dark = pixels.min(axis=2) < 160
    rows, cols = np.nonzero(dark.any(axis=1))[0], np.nonzero(dark.any(axis=0))[0]
    to_mm = 25.4 / dpi
    return cols[0] * to_mm, rows[0] * to_mm, (cols[-1] + 1) * to_mm, (rows[-1] + 1) * to_mm


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("render")
    plan, restored = tan_phong()
    write_docx(plan, restored, out / "tan-phong.docx")
    write_docx(plan, restored, out / "tan-phong-review.docx", review=True)
    opts = ProcessOptions(outdir=out, formats=("docx",))
    for sample in (LEGACY_SAMPLE, SCAN_SAMPLE):
        process_document(sample, opts)
    names = ["tan-phong", "tan-phong-review", LEGACY_SAMPLE.stem, SCAN_SAMPLE.stem]
    return dict(zip(names, convert_to_pdf([out / f"{n}.docx" for n in names], out)))


@pytest.mark.parametrize("name", ["tan-phong", "tan-phong-review", LEGACY_SAMPLE.stem, SCAN_SAMPLE.stem])
def test_every_page_is_a4(pdfs, name):
    sizes = page_sizes(pdfs[name])
    assert sizes and all(abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1 for w, h in sizes)


def test_vietnamese_text_survives_layout(pdfs):
    pages = pdf_text(pdfs["tan-phong"])
    text = " ".join(pages)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 27/KH-UBND",
                     "Tân Phong, ngày 08 tháng 02 năm 2025", "KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU",
                     "IV. TỔ CHỨC THỰC HIỆN", "Tổng thu ngân sách trên địa bàn", "6.832.510.000", "giảm còn 2,32",
                     "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "Lê Thị Minh Hằng",
                     "Thường xuyên kiểm tra, đôn đốc, kịp thời tháo gỡ khó khăn, vướng mắc trong quá trình"):
        assert expected in text, expected
    assert pages[0].find("CỘNG HÒA") < pages[0].find("KẾ HOẠCH") < pages[0].find("I. MỤC ĐÍCH")
    assert "Lê Thị Minh Hằng" in pages[-1]


def test_fonts_are_times_or_its_metric_twin(pdfs):
    """Times New Roman, or Liberation Serif where it is not installed: never a sans fallback."""
    data = pdfs["tan-phong"].read_bytes()
    fonts = set(re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)", data))
    assert fonts and all(re.match(rb"(TimesNewRoman|LiberationSerif)", f) for f in fonts), fonts


def test_ink_stays_inside_the_margins(pdfs):
    for index in range(len(page_sizes(pdfs["tan-phong"]))):
        left, top, right, bottom = ink_box_mm(render(pdfs["tan-phong"], index))
        assert MARGINS_MM["left"] - 1 <= left <= MARGINS_MM["left"] + 3, (index, left)
        assert right <= 210 - MARGINS_MM["right"] + 1, (index, right)
        assert bottom <= 297 - MARGINS_MM["bottom"] + 1, (index, bottom)
        if index == 0:                      # page numbers start on page 2, in the top margin
            assert top >= MARGINS_MM["top"] - 1


def test_review_highlights_are_visible(pdfs):
    import numpy as np

    def yellow(name):
        return sum(int(((p[..., 0] > 200) & (p[..., 1] > 200) & (p[..., 2] < 80)).sum())
                   for p in (render(pdfs[name], i) for i in range(len(page_sizes(pdfs[name])))))
    assert yellow("tan-phong") == 0
    assert yellow("tan-phong-review") > 50
    assert np.array_equal(render(pdfs["tan-phong"], 0).shape, render(pdfs["tan-phong-review"], 0).shape)


@pytest.mark.parametrize("name", [LEGACY_SAMPLE.stem, SCAN_SAMPLE.stem])
def test_samples_print_their_sections(pdfs, name):
    text = " ".join(pdf_text(pdfs[name]))
    assert "Nơi nhận:" in text
    for numeral in ("I", "II", "III", "IV"):
        assert re.search(rf"(?<![IVX]){numeral}\. [A-ZĐÀ-Ỹ]", text), numeral
