"""ingest: decoding text in its encodings, reading images and PDFs, refusing bad files."""
from __future__ import annotations

import codecs
import io

import numpy as np
import pytest
from PIL import Image

from pipeline import errors
from pipeline.ingest import load_document
from tests.conftest import BAD_INPUTS, SCAN_SAMPLE

TEXT = "Kế hoạch phát động phong trào thi đua năm 2025\nSản lượng thịt hơi: 2.750 tấn\n"


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8),
                                             ("utf-16", b""), ("utf-16-le", b""), ("utf-16-be", b"")])
def test_text_encodings_decode_to_the_same_text(tmp_path, encoding, prefix):
    path = tmp_path / "plan.txt"
    path.write_bytes(prefix + TEXT.encode(encoding))
    doc = load_document(path)
    assert doc.kind == "text"
    assert doc.pages[0].text == TEXT


def test_crlf_and_decomposed_text_are_normalised(tmp_path):
    import unicodedata
    path = tmp_path / "plan.txt"
    path.write_bytes(unicodedata.normalize("NFD", TEXT).replace("\n", "\r\n").encode("utf-8"))
    assert load_document(path).pages[0].text == TEXT


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_inputs_raise_their_own_error_naming_the_file(make_bad, name):
    path = make_bad(name)
    expected = getattr(errors, BAD_INPUTS[name][2])
    with pytest.raises(expected) as info:
        load_document(path)
    assert str(path) in str(info.value)
    assert info.value.hint or isinstance(info.value, errors.EmptyInputError)


def test_inputs_are_never_modified(make_bad, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(TEXT.encode())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_document(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def _save(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "I;16", "1"])
def test_any_image_mode_becomes_8bit_gray(tmp_path, mode):
    base = Image.new("L", (120, 80), 255)
    base.paste(0, (10, 10, 60, 40))
    img = base.convert(mode) if mode != "I;16" else Image.fromarray((np.asarray(base).astype(np.uint16) * 257))
    path = tmp_path / f"page-{mode.replace(';', '')}.png"
    path.write_bytes(_save(img, "PNG", dpi=(300, 300)))
    page = load_document(path).pages[0]
    assert page.image.dtype == np.uint8 and page.image.ndim == 2
    assert page.image[20, 20] < 50 and page.image[70, 100] > 200
    assert page.dpi == 300


def test_multipage_tiff_is_one_document(tmp_path):
    pages = [Image.new("L", (100, 140), 255 - 40 * i) for i in range(3)]
    path = tmp_path / "scan.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    doc = load_document(path)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.pages[2].image[0, 0] == 175


def test_pdf_text_layer_and_scanned_page(tmp_path):
    """A PDF page made from an image has no text layer and is rendered for OCR."""
    img = Image.open(SCAN_SAMPLE).convert("L").resize((620, 877))
    path = tmp_path / "scan.pdf"
    img.save(path, "PDF", resolution=75)
    doc = load_document(path)
    assert doc.kind == "pdf" and len(doc.pages) == 1
    page = doc.pages[0]
    # Rendered at the scan's own resolution (75 dpi here), raised to the 150 dpi floor.
    assert page.text is None and page.dpi == 150
    assert page.image.shape[1] == pytest.approx(1240, abs=4)   # A4 width at 150 dpi


def test_pdf_page_with_text_layer_uses_it(tmp_path):
    from tests.conftest import text_pdf
    lines = ["KE HOACH phat trien san xuat nong nghiep nam 2025",
             "1. Tong san luong luong thuc: 3.120 tan"]
    path = tmp_path / "typed.pdf"
    path.write_bytes(text_pdf(lines))
    page = load_document(path).pages[0]
    assert page.image is None
    assert [l.strip() for l in page.text.strip().split("\n")] == lines
