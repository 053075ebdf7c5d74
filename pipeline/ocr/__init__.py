"""ocr: Document pages -> RawText (lines with Tesseract word confidences).

Text pages (a .txt source, a PDF page with a text layer) pass through; image pages are
preprocessed (pipeline.ocr.preprocess: orientation, deskew, rescale) and read by Tesseract,
and lines its page segmentation dropped are read again (pipeline.ocr.missed).
A blank line separates Tesseract's paragraphs, as in its plain-text output, and pages.

Pages are read in parallel by `jobs` Tesseract processes, each single-threaded. The workers are
threads that feed a Tesseract child process each: they start in microseconds, import nothing,
and share the decoded pages instead of pickling them to other Python processes (the Python
side is light: OpenCV and numpy release the GIL). A one-page document runs inline.
"""
from __future__ import annotations

import os
import time
import unicodedata
from dataclasses import dataclass, field, replace

from ..model import Box, Document, Page, PageInfo, RawLine, RawText
from .geometry import ReadFrame

DEFAULT_LANG = "vie"
DEFAULT_PSM = 3

# A page whose words average below this confidence may be upside down: ask Tesseract OSD.
# Upright pages, even poor ones, average 85-95; upside-down text reads as 30-60.
SUSPECT_MEAN_CONFIDENCE = 70.0
OSD_MIN_CONFIDENCE = 2.0         # OSD's own confidence below which its answer is a guess
AUTO_SEGMENTATION = (1, 3)       # page segmentation modes that can drop lines (pipeline.ocr.missed)


@dataclass
class PageResult:
    lines: list[RawLine]
    turned: int = 0                  # degrees turned clockwise before the text was read
    skew: float = 0.0
    scale: float = 1.0
    mean_confidence: float | None = None
    timings: dict = field(default_factory=dict)
    info: PageInfo | None = None     # the upright frame the lines' boxes are in
    tables: list = field(default_factory=list)   # model.Table of the ruled tables; `line` within `lines`


def words_to_lines(words, page_number: int, frame: ReadFrame | None = None) -> list[RawLine]:
    """Group Tesseract words into lines, with a blank line between paragraphs.
    Each line's confidences and boxes have one entry per whitespace-separated word of its text;
    the boxes are in the upright page frame that `frame` maps to (None: as Tesseract gave them)."""
    lines: list[RawLine] = []
    key_prev = None
    current: list = []
    rects = [(w.left, w.top, w.width, w.height) for w in words]
    boxes = frame.boxes(rects) if frame is not None else [Box(x, y, x + w, y + h) for x, y, w, h in rects]
    box_of = {id(w): b for w, b in zip(words, boxes)}

    def flush():
        if current:
            lines.append(RawLine(text=" ".join(w.text for w in current), page=page_number,
                                 confidences=[w.conf for w in current],
                                 boxes=[box_of[id(w)] for w in current], block=current[0].block))

    for w in words:
        key = (w.block, w.par, w.line)
        if key != key_prev:
            flush()
            if key_prev is not None and key[:2] != key_prev[:2]:
                lines.append(RawLine(text="", page=page_number, confidences=[], boxes=[]))
            current = []
            key_prev = key
        current.append(w)
    flush()
    for line in lines:
        line.text = unicodedata.normalize("NFC", line.text)
    return lines


def mean_confidence(words) -> float | None:
    """Character-weighted mean word confidence (a one-letter word says little about the page)."""
    total = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / total if total else None


def read_page(page: Page, *, lang: str, psm: int, source: str | None, preprocess: bool = True,
              timeout: float | None = None, tables: bool = True) -> PageResult:
    """OCR one image page: preprocess, read, and if the page reads badly check its orientation.
    With `tables`, ruled tables are found first and read cell by cell (pipeline.ocr.tables)."""
    from . import tesseract
    from .preprocess import prepare, turn

    kw = dict(source=source, page=page.number)
    if timeout:
        kw["timeout"] = timeout
    t0 = time.perf_counter()
    if preprocess:
        prep = prepare(page.image, page.dpi)
        image, dpi, turned, frame = prep.image, prep.dpi, prep.turned, prep.frame
    else:
        image, dpi, turned, prep = page.image, page.dpi, 0, None
        frame = ReadFrame(image.shape[1], image.shape[0])
        if image.ndim == 3:
            import cv2
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    t1 = time.perf_counter()
    from .tables import find_grids, whiten
    grids = find_grids(image) if tables else []
    words = tesseract.read_words(whiten(image, grids), lang=lang, psm=psm, dpi=dpi, **kw)
    conf = mean_confidence(words)
    t2 = time.perf_counter()
    timings = {"preprocess": t1 - t0, "tesseract": t2 - t1}
    # A page that reads badly may be upside down (or the marks could not tell which way up):
    # ask OSD. Not for pages without text lines, which have no orientation to find.
    has_lines = prep is not None and prep.layout is not None and prep.layout.has_lines
    if has_lines and (conf is None or conf < SUSPECT_MEAN_CONFIDENCE) and tesseract.has_osd():
        osd = tesseract.detect_orientation(image, **kw)
        if osd and osd.rotate and osd.confidence >= OSD_MIN_CONFIDENCE:
            image2 = turn(image, osd.rotate)
            grids2 = find_grids(image2) if tables else []
            words2 = tesseract.read_words(whiten(image2, grids2), lang=lang, psm=psm, dpi=dpi, **kw)
            conf2 = mean_confidence(words2)
            if conf2 is not None and (conf is None or conf2 > conf):
                words, conf, turned, image, grids = words2, conf2, (turned + osd.rotate) % 360, image2, grids2
                frame.turn(osd.rotate)
        timings["orientation"] = time.perf_counter() - t2
    if psm in AUTO_SEGMENTATION and words:
        words = read_missed_lines(whiten(image, grids), words, lang=lang, dpi=dpi, timings=timings, **kw)
    width, height = frame.upright_size
    info = PageInfo(number=page.number, read="ocr", width=width, height=height,
                    dpi=page.dpi, rotation=frame.rotation)
    lines = words_to_lines(words, page.number, frame)
    found = []
    if grids:
        t3 = time.perf_counter()
        lines, found = _with_tables(image, grids, lines, page.number, frame, lang=lang, dpi=dpi, **kw)
        timings["tables"] = time.perf_counter() - t3
    return PageResult(lines=lines, turned=turned, skew=prep.skew if prep else 0.0,
                      scale=prep.scale if prep else 1.0, mean_confidence=conf, timings=timings, info=info,
                      tables=found)


def _with_tables(image, grids, lines: list[RawLine], page_number: int, frame, *, lang: str, dpi, **kw):
    """The page's lines with each ruled table's rows put where the table stands (before the
    first line that starts below its top), a blank line around it; and its Tables, `line`
    counted within the page's lines."""
    from .tables import read_grids, row_lines

    out = list(lines)
    found = []
    for read in sorted(read_grids(image, grids, lang=lang, dpi=dpi, **kw), key=lambda r: r.grid.y0):
        g = read.grid
        top = frame.boxes([(g.x0, g.y0, g.x1 - g.x0, g.y1 - g.y0)])[0].y0
        at = next((i for i, line in enumerate(out) if line.box() is not None and line.box().y0 > top), len(out))
        rows = row_lines(read, page_number, frame)
        blank = RawLine(text="", page=page_number, confidences=[], boxes=[])
        out[at:at] = [blank] + rows + [blank]
        read.table.line = at + 2            # 1-based, after the blank line; tables go in top down
        found.append(read.table)
    return out, found


def read_missed_lines(image, words, *, lang: str, dpi, timings: dict, **kw) -> list:
    """`words` with the lines Tesseract's segmentation dropped read again (pipeline.ocr.missed)."""
    from . import missed, tesseract

    t = time.perf_counter()
    lost, letters = missed.missed_letters(image, words)
    if missed.needs_second_reading(lost, letters):
        rest = image.copy()
        for w in words:
            rest[w.top:w.top + w.height, w.left:w.left + w.width] = 255
        second = tesseract.read_words(rest, lang=lang, psm=missed.SECOND_PSM, dpi=dpi, **kw)
        words = missed.merge(words, second)
    timings["missed"] = time.perf_counter() - t
    return words


def recognise(document: Document, *, lang: str = DEFAULT_LANG, psm: int = DEFAULT_PSM, jobs: int | None = 1,
              preprocess: bool = True, timeout: float | None = None, details: list | None = None) -> RawText:
    """Text of every page of the document, OCR'ing the pages that are images, `jobs` pages at a
    time (0 or None: as many as there are CPUs). `timeout` bounds each Tesseract run (seconds,
    default tesseract.DEFAULT_TIMEOUT); a page that fails raises OcrFailedError naming the file
    and the page. `preprocess=False` gives Tesseract the pages as they are.

    `details`, when given a list, receives one PageResult per image page (orientation, skew,
    timings)."""
    pages, engine = read_pages(document, lang=lang, psm=psm, jobs=jobs, preprocess=preprocess,
                               timeout=timeout, details=details)
    return join_pages(pages, engine=engine, lang=lang)


@dataclass
class PageReading:
    """One page as read: its lines, what was read (PageInfo), its tables (`line` counts within
    this page's lines). What a cluster's worker returns for each page of its part."""
    number: int
    lines: list[RawLine]
    info: PageInfo
    tables: list = field(default_factory=list)


def read_pages(document: Document, *, lang: str = DEFAULT_LANG, psm: int = DEFAULT_PSM, jobs: int | None = 1,
               preprocess: bool = True, timeout: float | None = None,
               details: list | None = None) -> tuple[list[PageReading], str | None]:
    """(each page of the document as read, in page order; the OCR engine, None when no page was
    an image): `recognise` without the joining, so that the pages of one document can be read in
    parts (a cluster's workers each read a page range) and joined by `join_pages` exactly as
    one reading joins them."""
    image_pages = [p for p in document.pages if p.image is not None]
    engine = None
    results: dict[int, PageResult] = {}
    if image_pages:
        from . import tesseract
        engine = tesseract.tesseract_version()
        tesseract.check_language(lang)
        source = str(document.path)

        def work(page: Page) -> PageResult:
            return read_page(page, lang=lang, psm=psm, source=source, preprocess=preprocess, timeout=timeout)

        if jobs is None or jobs < 1:          # 0 or None: one worker per CPU
            jobs = os.cpu_count() or 1
        workers = max(1, min(int(jobs), len(image_pages)))
        if workers == 1:
            for page in image_pages:
                results[page.number] = work(page)
        else:
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sohoa-ocr") as pool:
                # map() yields in page order and re-raises the first page's error; the pool
                # then waits for the pages already running (cancel_futures drops the rest).
                try:
                    for page, result in zip(image_pages, pool.map(work, image_pages)):
                        results[page.number] = result
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise

    readings: list[PageReading] = []
    for page in document.pages:
        if page.image is None:
            if page.layer is not None:
                lines = layer_lines(page)
                info = PageInfo(number=page.number, read="layer", width=page.width,
                                height=page.height, dpi=page.dpi, why=page.why)
            else:
                lines = [RawLine(text=t, page=page.number, style=page.styles.get(k + 1))
                         for k, t in enumerate((page.text or "").split("\n"))]
                info = PageInfo(number=page.number, read="text", why=page.why)
            readings.append(PageReading(page.number, lines, info, [t for t in page.tables if t.line]))
            continue
        result = results[page.number]
        if page.layer:
            # an old text layer over the scan: a second reading of each word (pipeline.ocr.fusion)
            from .fusion import attach_second_readings
            attach_second_readings(result.lines, page.layer, result.info, page.image.shape[1], page.image.shape[0])
        result.info.why = page.why
        readings.append(PageReading(page.number, result.lines, result.info, [t for t in result.tables if t.line]))
        if details is not None:
            details.append(result)
    return readings, engine


def join_pages(pages: list[PageReading], *, engine: str | None, lang: str) -> RawText:
    """One RawText from its pages as read, in page order: a blank line between pages, each
    page's tables renumbered to count lines within the whole text."""
    lines: list[RawLine] = []
    tables = []
    for page in pages:
        if lines:
            lines.append(RawLine(text="", page=page.number, confidences=[]))
        offset = len(lines)
        lines.extend(page.lines)
        tables.extend(replace(t, line=offset + t.line) for t in page.tables)
    return RawText(lines=lines, ocr_engine=engine, ocr_lang=lang if engine else None,
                   pages=[page.info for page in pages], tables=tables)


def layer_lines(page: Page) -> list[RawLine]:
    """The lines of a PDF text layer as its text has them, each word with its box
    (pipeline.ingest.pdf made them)."""
    count = len((page.text or "").split("\n"))
    by_line: list[list] = [[] for _ in range(count)]
    for word in page.layer or []:
        if 0 <= word.line < count:
            by_line[word.line].append(word)
    return [RawLine(text=" ".join(w.text for w in words), page=page.number,
                    boxes=[w.box for w in words], block=words[0].block if words else None)
            for words in by_line]
