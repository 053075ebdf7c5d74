"""ingest: a source file -> Document (pages that are images, or text).

Decides the kind of file by its extension, then checks its content really is that kind: a
`.pdf` that is not a PDF, a `.txt` full of binary, a broken PNG each get their own typed error
that names the file. Inputs are only ever read. Word files (`.docx`; `.doc`, `.odt`, `.rtf`
through LibreOffice) give text with their automatic numbering, styles and tables (word.py).
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..errors import (EmptyInputError, ImageTooLargeError, MissingInputError, NotRegularFileError,
                      TextTooLargeError, UnsupportedFormatError)
from ..model import Document

TEXT_EXTENSIONS = {".txt"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PDF_EXTENSIONS = {".pdf"}
WORD_EXTENSIONS = {".docx", ".doc", ".odt", ".rtf"}
CONVERTED = {".doc", ".odt", ".rtf"}          # converted to .docx by LibreOffice first
SUPPORTED = TEXT_EXTENSIONS | IMAGE_EXTENSIONS | PDF_EXTENSIONS | WORD_EXTENSIONS

# The largest file read, of any kind (a 300-page scanned PDF is ~150 MB), checked before reading.
MAX_FILE_BYTES = 512 * 1024 * 1024
# The largest text file: ~1,000,000 characters (pipeline.ingest.text.MAX_TEXT_CHARS) take at most
# 4 MB in UTF-8 or UTF-16; a larger file is refused before it is read.
MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024

_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


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


def not_a_regular_file(path: Path) -> NotRegularFileError | None:
    """The error for a named pipe, device or socket (links followed: `ln -s /dev/zero x.txt`);
    None for a regular file, a folder, or a path that cannot be looked at (read_bytes says why)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    what = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    return NotRegularFileError(f"is {what}, not a regular file: not read (it could block or never end)",
                               path=path, hint="copy the document into an ordinary file and give that")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, with the usual failures turned into typed errors. Only a regular file is
    read (opened without blocking, then checked, so that a pipe cannot hang the run), and only up
    to the size limit of its kind."""
    if not path.exists():
        raise MissingInputError("no such file", path=path, hint="check the path and its spelling")
    if path.is_dir():
        raise UnsupportedFormatError("is a folder", path=path, hint="pass the folder itself to `sohoa process`")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise MissingInputError("cannot be read: permission denied", path=path,
                                hint="give the user running sohoa read access") from None
    except OSError as e:
        raise MissingInputError(f"cannot be read: {e.strerror}", path=path) from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise not_a_regular_file(path) or NotRegularFileError("is not a regular file", path=path)
        text = kind_of(path) == "text"
        limit = MAX_TEXT_FILE_BYTES if text else MAX_FILE_BYTES
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise MissingInputError(f"cannot be read: {e.strerror}", path=path) from None
    if len(data) > limit:
        if text:
            raise TextTooLargeError(f"is over {limit // 1024 // 1024} MB, longer than any plan", path=path,
                                    hint="split it into documents")
        raise ImageTooLargeError(f"is over {limit // 1024 // 1024} MB", path=path,
                                 hint="split it into documents, or scan at 300 dpi")
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
    from .text import check_length
    check_length(sum(len(p.text or "") for p in pages), path)     # whatever the kind (Word files too)
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
