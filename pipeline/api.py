"""The Python API, and the code that runs the stages in order for one document.

    from pipeline import process, restore
    print(restore("Phat dong cac phong trao thi dua nam 2024").text)
    plan = process("samples/tam-tien-2024.txt", outdir="output")

(`restore` is the callable package pipeline.restore; see its docstring.)

The CLI builds the same ProcessOptions from its arguments, so the two cannot drift apart.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .model import Plan, RawText, RestoredText, Source

# What follows an output's name for each format (OUTDIR/<name><suffix>). The batch never gives
# an input a name whose outputs would land on an input (pipeline.batch.inputs).
SUFFIXES = {"json": ".json", "docx": ".docx", "txt": ".txt", "pdf": ".pdf", "alto": ".alto.xml"}
FORMATS = tuple(SUFFIXES)                        # every format `process` can write
DEFAULT_FORMATS = ("json", "docx", "txt")        # what it writes unless told
# every suffix an output of an input may get: the formats, the words sidecar, a review's corrections
OUTPUT_SUFFIXES = (*SUFFIXES.values(), ".words.json.gz", ".corrections.json")
# Formats that show the page: written for inputs read from page images or PDFs, skipped (with a
# note, never an error) for text and Word inputs, which have no page to show.
PAGE_FORMATS = ("pdf", "alto")
PDFA_FLAVOURS = ("2b", "3b")                   # pipeline.export.pdf.PDFA_FLAVOURS (kept import-light here)


@dataclass(frozen=True)
class ProcessOptions:
    outdir: Path | None = Path("output")    # None: return the plan, write nothing
    formats: tuple[str, ...] = DEFAULT_FORMATS
    lang: str = "vie"                       # Tesseract language(s) for image inputs
    psm: int = 3                            # Tesseract page segmentation mode
    tone_style: str = "new"                 # "new" (hóa, thủy) or "old" (hoá, thuỷ)
    review: bool = False                    # DOCX highlights low-confidence changes
    jobs: int = 1                           # worker processes (batch) / pages in parallel
    force: bool = False                     # redo inputs the manifest says are done
    excel: bool = False                     # a batch also writes OUTDIR/metadata.xlsx
    pdfa: str = "2b"                        # PDF output: PDF/A-2b, or 3b with the plan JSON attached
    text_layer: str = "auto"                # PDF text layers: auto, use, redo (pipeline.ingest.layer)
    corrections: Path | None = None         # reviewers' corrections (TSV of `sohoa review`) to prefer
    scheduler: str | None = None            # a Dask scheduler (tcp://HOST:PORT): the batch runs on its cluster
    pages_per_task: int = 10                # on a cluster, a longer document is read in parts of this many pages

    def with_(self, **changes) -> "ProcessOptions":
        return replace(self, **changes)


@dataclass
class DocumentResult:
    """What processing one input produced."""
    path: Path
    plan: Plan
    restored: RestoredText
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)   # what the batch report should tell (formats skipped)


def output_stem(path: Path) -> str:
    return path.stem


def process_document(path: str | Path, options: ProcessOptions = ProcessOptions()) -> DocumentResult:
    """ingest -> ocr -> restore -> parse -> export for one file. Raises SohoaError subclasses."""
    from .ingest import load_document
    from .ocr import recognise

    path = Path(path)
    t = time.perf_counter()
    document = load_document(path, text_layer=options.text_layer)
    t1 = time.perf_counter()
    raw = recognise(document, lang=options.lang, psm=options.psm, jobs=options.jobs)
    t2 = time.perf_counter()
    source = source_of(str(path), document.sha256, document.kind, len(document.pages), raw)
    return finish_document(path, raw, source, options,
                           timings={"ingest": round(t1 - t, 4), "ocr": round(t2 - t1, 4)})


def source_of(path: str, sha256: str, kind: str, pages: int, raw: RawText) -> Source:
    """The plan's `source`, once the document's text has been read."""
    from .errors import printable
    return Source(path=printable(path), sha256=sha256, kind=kind, pages=pages,
                  ocr={"engine": raw.ocr_engine, "lang": raw.ocr_lang} if raw.ocr_engine else None,
                  reading=[page.reading() for page in raw.pages])


def finish_document(path: Path, raw: RawText, source: Source, options: ProcessOptions, *,
                    timings: dict[str, float]) -> DocumentResult:
    """restore -> parse (-> export) of a document whose text has been read: the part of
    process_document after OCR, shared with a cluster's join of a document read in parts
    (pipeline.batch.remote), so that both make the same plan from the same text."""
    from .parse import parse_plan
    from .parse.numerals import write_back_numerals
    from .restore import restore_text
    from .restore.corrections import load_corrections
    from .restore.quality import quality_of

    timings = dict(timings)
    t = time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        timings[name] = round(now - t, 4)
        t = now

    restored = restore_text(raw, style=options.tone_style, corrections=load_corrections(options.corrections))
    lap("restore")
    plan = parse_plan(restored, source)
    write_back_numerals(restored, plan)       # "HI. NHIỆM VỤ" -> "III.", as the plan reads it
    plan.quality = quality_of(restored)
    lap("parse")
    result = DocumentResult(path=Path(path), plan=plan, restored=restored, timings=timings)
    if options.outdir is not None:
        result.outputs = write_outputs(result, Path(options.outdir), options)
        lap("export")
    return result


def write_outputs(result: DocumentResult, outdir: Path, options: ProcessOptions, *,
                  name: str | None = None, words: bool = True) -> dict[str, Path]:
    """Write the requested formats as OUTDIR/<stem><suffix> (SUFFIXES), each file atomically.
    `name` (a batch's output name, may hold subfolders: "2024/plan") replaces the stem.
    PDF and ALTO are skipped for inputs without page images, with a note in `result.notes`;
    each format's writing time goes to `result.timings` as `write_<format>`. The outputs of the
    input are written all or none (export.atomic.atomic_group), and each must stay inside OUTDIR.

    Also, unless `words` is False, the words sidecar OUTDIR/<stem>.words.json.gz (the restoration
    whole, which `sohoa review` works from). When a review left OUTDIR/<stem>.corrections.json,
    the formats are written from the corrected words (pipeline/review/apply.py), so processing a
    reviewed document again never loses the reviewer's work; the sidecar keeps the restoration
    as it came."""
    from .export.atomic import atomic_group
    from .export.pdf import pages_with_images

    stem = name or output_stem(result.path)
    dests: dict[str, Path] = {}
    if words:
        from .export.words import WORDS_SUFFIX
        dests["words"] = outdir / f"{stem}{WORDS_SUFFIX}"
    for fmt in options.formats:
        if fmt not in SUFFIXES:
            raise ValueError(f"unknown format {fmt!r}")
        if fmt in PAGE_FORMATS and not pages_with_images(result.restored):
            note = f"{fmt} skipped: a {result.plan.source.kind} input has no page images"
            if note not in result.notes:
                result.notes.append(note)
            continue
        dests[fmt] = outdir / f"{stem}{SUFFIXES[fmt]}"
    for dest in dests.values():
        refuse_to_overwrite_input(dest, result.path)
        refuse_outside(dest, outdir)
    restored, plan = reviewed(result, outdir / stem)
    with atomic_group():
        for fmt, dest in dests.items():
            t = time.perf_counter()
            if fmt == "words":
                from .export.words import write_words
                write_words(result.restored, result.plan.source, dest, review=options.review, pdfa=options.pdfa)
                continue
            if fmt == "json":
                from .export.json_plan import write_plan_json
                write_plan_json(plan, dest)
            elif fmt == "txt":
                from .export.text import write_restored_text
                write_restored_text(restored, dest)
            elif fmt == "docx":
                from .export.docx import write_docx
                write_docx(plan, restored, dest, review=options.review)
            elif fmt == "pdf":
                from .export.pdf import write_pdf
                write_pdf(restored, result.path, dest, plan=plan, pdfa=options.pdfa, notes=result.notes)
            elif fmt == "alto":
                from .export.alto import write_alto
                write_alto(restored, dest, source_name=result.path.name, plan=plan)
            result.timings[f"write_{fmt}"] = round(time.perf_counter() - t, 4)
    return dests


def refuse_outside(dest: Path, outdir: Path) -> None:
    """An output stays inside OUTDIR: a name that climbs out (`../x`, an absolute path, as an
    edited manifest may hold) or a subfolder that is a link to elsewhere is refused."""
    from .errors import OutputError
    try:
        dest.parent.resolve().relative_to(Path(outdir).resolve())
    except (ValueError, OSError):
        raise OutputError("would be written outside the output folder "
                          "(a name that climbs out of it, or a subfolder that is a link)", path=dest,
                          hint=f"remove the link or the stray name from {outdir}, or choose another folder "
                               "with -o") from None


def reviewed(result: DocumentResult, stem_path: Path) -> tuple[RestoredText, Plan]:
    """The document as its review corrected it (<stem>.corrections.json), or as it is."""
    from .review.apply import CORRECTIONS_SUFFIX, corrected, has_corrections, read_corrections
    path = stem_path.with_name(stem_path.name + CORRECTIONS_SUFFIX)
    if not path.exists():
        return result.restored, result.plan
    corrections = read_corrections(path, stem_path.name)
    if not has_corrections(corrections):
        return result.restored, result.plan
    restored, plan, _ = corrected(result.restored, result.plan.source, corrections)
    return restored, plan


def refuse_to_overwrite_input(dest: Path, source: Path) -> None:
    """An output never replaces its own input (`sohoa process d/plan.txt -o d`, or the Python
    API with outdir = the input's folder): the batch names such outputs apart, and this is the
    last guard for every caller."""
    from .errors import OutputError
    try:
        same = dest.exists() and os.path.samefile(dest, source)
    except OSError:
        same = False
    if same:
        raise OutputError(f"the {dest.suffix} output would overwrite the input {source}", path=dest,
                          hint="write the outputs to another folder with -o (or pass `name=`)")


def process(path: str | Path, outdir: str | Path | None = None, **options) -> Plan:
    """Process one input and return its Plan; with `outdir`, also write json/docx/txt there
    (`formats=("json", "pdf", "alto")` chooses others). With `scheduler="tcp://HOST:PORT"` a
    worker of that Dask cluster does it (the path and OUTDIR must be on storage the workers see)."""
    opts = ProcessOptions(outdir=Path(outdir) if outdir is not None else None, **options)
    if opts.scheduler:
        from .batch.cluster import process_on_cluster
        return process_on_cluster(path, opts)
    return process_document(path, opts).plan


def process_batch(inputs, outdir: str | Path = "output", *, verbose: bool = False, **options) -> int:
    """`sohoa process` from Python: every input (files, or folders walked recursively) into OUTDIR,
    with the manifest, the reports and the skipping of a rerun; returns the exit code (0, or 4
    when some inputs failed). `jobs=N` processes; `scheduler="tcp://HOST:PORT"` runs it on a Dask
    cluster instead."""
    from .batch import default_jobs, run_batch
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    options.setdefault("jobs", default_jobs())
    opts = ProcessOptions(outdir=Path(outdir), **options)
    return run_batch([Path(p) for p in inputs], opts, verbose=verbose)
