"""ingest: a source file -> Document (pages that are images, or text).

Decides the kind of file by its extension, then checks its content really is that kind: a
`.pdf` that is not a PDF, a `.txt` full of binary, a broken PNG each get their own typed error
that names the file. Inputs are only ever read. Word files (`.docx`; `.doc`, `.odt`, `.rtf`
through LibreOffice) give text with their automatic numbering, styles and tables (word.py).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import EmptyInputError, MissingInputError, UnsupportedFormatError
from ..model import Document

TEXT_EXTENSIONS = {".txt"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PDF_EXTENSIONS = {".pdf"}
WORD_EXTENSIONS = {".docx", ".doc", ".odt", ".rtf"}
CONVERTED = {".doc", ".odt", ".rtf"}          # converted to .docx by LibreOffice first
SUPPORTED = TEXT_EXTENSIONS | IMAGE_EXTENSIONS | PDF_EXTENSIONS | WORD_EXTENSIONS


def kind_of(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in TEXT_EXTENSIONS:
        return "text"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in PDF_EXTENSIONS:
        return "pdf"
    if ext in WORD_EXTENSIONS:
        return "word"
    return None


def read_bytes(path: Path) -> bytes:
    """The file's bytes, with the usual failures turned into typed errors."""
    if not path.exists():
        raise MissingInputError("no such file", path=path, hint="check the path and its spelling")
    if path.is_dir():
        raise UnsupportedFormatError("is a folder", path=path, hint="pass the folder itself to `sohoa process`")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise MissingInputError("cannot be read: permission denied", path=path,
                                hint="give the user running sohoa read access") from None
    except OSError as e:
        raise MissingInputError(f"cannot be read: {e.strerror}", path=path) from None
    if not data.strip():
        raise EmptyInputError("the file is empty", path=path, hint="re-export or re-scan it")
    return data


def load_document(path: str | Path, *, max_pixels: int | None = None, text_layer: str = "auto",
                  page_range: tuple[int, int] | None = None) -> Document:
    """Read one source file into pages. Raises an InputFileError subclass on bad input.
    `text_layer` (auto, use, redo) says which PDF pages are read from their text layer and which
    from their image (pipeline.ingest.layer).

    `page_range` = (first, last), 1-based and inclusive, reads only those pages of a PDF or a
    multi-page TIFF (a part of a large document, read by one worker of a cluster: see
    pipeline.batch.remote); the Document still says how many pages the file has."""
    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        raise UnsupportedFormatError(
            f"unsupported file type {path.suffix or '(no extension)'!r}", path=path,
            hint="sohoa reads " + " ".join(sorted(SUPPORTED)))
    data = read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    count = None
    if kind == "text":
        from .text import text_pages
        pages = text_pages(data, path)
    elif kind == "image":
        from .image import frame_count, image_pages
        pages = image_pages(data, path, max_pixels=max_pixels, page_range=page_range)
        count = frame_count(data) if page_range else None
    elif kind == "pdf":
        from .pdf import pdf_page_count, pdf_pages
        pages = pdf_pages(data, path, max_pixels=max_pixels, text_layer=text_layer, page_range=page_range)
        count = pdf_page_count(data) if page_range else None
    else:
        from .word import word_pages
        if path.suffix.lower() in CONVERTED:
            from .libreoffice import convert_to_docx
            pages = word_pages(convert_to_docx(data, path), path)
        else:
            pages = word_pages(data, path)
    return Document(path=path, kind=kind, sha256=sha, pages=pages, page_count=count)


def count_pages(path: str | Path) -> int:
    """How many pages a source file has, from its headers (nothing is decoded or rendered);
    1 for text and Word files, and for a file that cannot be read (processing it reports why)."""
    path = Path(path)
    kind = kind_of(path)
    try:
        if kind == "pdf":
            import pypdfium2 as pdfium
            pdf = pdfium.PdfDocument(str(path))      # by path: pages are read on demand
            try:
                return max(1, len(pdf))
            finally:
                pdf.close()
        if kind == "image":
            from PIL import Image
            with Image.open(path) as img:
                return max(1, int(getattr(img, "n_frames", 1)))
    except Exception:   # noqa: BLE001
        return 1
    return 1
