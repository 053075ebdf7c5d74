"""Shared fixtures: the samples, and a factory of bad inputs made fresh for each test."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
LEGACY_SAMPLE = SAMPLES / "tam-tien-2024.txt"
SCAN_SAMPLE = SAMPLES / "phuc-loc-2025.jpg"
SCAN_SAMPLE_GOLD = DATA / "phuc-loc-2025.gold.txt"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width=60_000, height=60_000) -> bytes:
    """A PNG whose header claims a huge page but which holds almost no data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + png_chunk(b"IEND", b""))


def build_pdf(objs: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file from its numbered objects (1 is the catalog), with a correct xref table."""
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, trailer_extra, xref))
    return out


def encrypted_pdf() -> bytes:
    """A one-page PDF protected by a user password (standard security handler, R2)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    return build_pdf(objs, b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (b"ab" * 16, b"ab" * 16))


def corrupt_png() -> bytes:
    """The start of a real PNG followed by garbage: the header parses, the pixels do not."""
    good = SCAN_SAMPLE.read_bytes()
    import io
    from PIL import Image
    buf = io.BytesIO()
    Image.open(io.BytesIO(good)).convert("L").resize((200, 280)).save(buf, "PNG")
    data = buf.getvalue()
    return data[:120] + b"\x00garbage\xff" * 50


# name -> (file name, bytes or None for "do not create", the error class name)
BAD_INPUTS = {
    "missing": ("nowhere.txt", None, "MissingInputError"),
    "empty": ("empty.txt", b"", "EmptyInputError"),
    "corrupt_png": ("broken.png", "corrupt_png", "CorruptImageError"),
    "fake_pdf": ("fake.pdf", b"this is plain text pretending to be a PDF\n", "NotAPdfError"),
    "encrypted_pdf": ("locked.pdf", "encrypted_pdf", "EncryptedPdfError"),
    "binary_txt": ("binary.txt", bytes(range(256)) * 20, "BinaryTextError"),
    "unsupported": ("plan.xlsx", b"PK\x03\x04 not really a spreadsheet", "UnsupportedFormatError"),
    "bomb": ("bomb.png", "bomb_png", "ImageTooLargeError"),
}


@pytest.fixture
def make_bad(tmp_path):
    """make_bad(name) -> Path of a freshly made bad input of that kind."""
    makers = {"corrupt_png": corrupt_png, "encrypted_pdf": encrypted_pdf, "bomb_png": bomb_png}

    def make(name: str) -> Path:
        fname, content, _ = BAD_INPUTS[name]
        path = tmp_path / "bad" / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            return path
        path.write_bytes(makers[content]() if isinstance(content, str) else content)
        return path
    return make


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, ASCII), as a word processor makes."""
    ops = b"BT /F1 12 Tf 72 760 Td 14 TL " + b" ".join(
        b"(" + l.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*" for l in lines) + b" ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return build_pdf(objs)
