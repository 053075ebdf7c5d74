"""The `sohoa` command.

Only argparse and the standard library are imported at start-up, so `sohoa --help` is instant;
each command imports what it needs. Errors a user can cause are SohoaError subclasses, printed
as one line (no traceback unless --verbose) and mapped to exit codes in errors.exit_code_for.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import __version__
from .errors import ExitCode, OutputClosedError, SohoaError, UsageError, exit_code_for, printable

DIFF_FORMATS = ("md", "json", "csv", "html")     # pipeline.export.diff_formats.DIFF_FORMATS
TARGET_FORMATS = ("csv", "jsonl")                # pipeline.export.targets.TARGET_FORMATS

EPILOG = """\
exit codes:
  0  every input done
  1  internal error (a bug: please report it with the --verbose output)
  2  bad usage (unknown option, missing argument, unknown format)
  3  a missing dependency (Tesseract or its Vietnamese data; the Dask scheduler of --scheduler cannot be
     reached or went away); the message says what to do
  4  some inputs failed (each is named on stderr); the other inputs were still written
130  interrupted by Ctrl-C (SIGINT); 143 stopped by SIGTERM: a batch says what was done first
"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="show details and tracebacks of failures")
    common.add_argument("--tone-style", choices=("new", "old"), default="new",
                        help="tone mark placement: new = hóa, thủy (default); old = hoá, thuỷ")

    p = argparse.ArgumentParser(
        prog="sohoa",
        description="Turn scanned Vietnamese administrative plans (kế hoạch) into clean text, "
                    "structured JSON and tidy DOCX.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"sohoa {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    # How raw inputs are read: shared by every command that may process a source document.
    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("--lang", default="vie", help="Tesseract language for scans (default: vie)")
    reading.add_argument("--psm", type=page_segmentation, default=3, metavar="N",
                         help="Tesseract page segmentation mode that reads text: 1 or 3-13 (default: 3)")
    reading.add_argument("--text-layer", choices=("auto", "use", "redo"), default="auto",
                         help="PDF text layers: auto (default) keeps a Vietnamese layer and reads the page "
                              "image again where the layer is old OCR without Vietnamese or junk; use: always "
                              "the layer (restored); redo: always read the page image")

    pr = sub.add_parser(
        "process", parents=[common, reading], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="OCR, restore and parse documents; write json/docx/txt (and pdf, alto)",
        description="Process scans (.png .jpg .jpeg .tif .tiff .pdf) and old OCR text (.txt) into "
                    "OUTDIR/<name>.json (sohoa.plan/1), .docx and .txt; with --formats pdf,alto also a "
                    "searchable PDF/A (the page images under the restored text) and ALTO 4.4 XML "
                    "(.alto.xml) for scans and PDFs. Folders are walked recursively; "
                    "a file found in a folder keeps its place below it (scans/2024/p1.png -> "
                    "OUTDIR/2024/p1.json).\n\n"
                    "A manifest in OUTDIR (sohoa-manifest.sqlite) makes runs resumable: a rerun skips inputs "
                    "whose content and options have not changed and whose outputs are still there, and "
                    "finishes what an interrupted run left. Each run writes OUTDIR/report.csv and "
                    "report.html (status, pages, targets, confidence of every input) and the archive's "
                    "metadata sheet OUTDIR/metadata.csv (type, number, date, issuer, summary, signer ... of "
                    "every document, Thông tư 05/2025/TT-BNV).",
        epilog=EPILOG)
    pr.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    pr.add_argument("-o", "--outdir", default="output", help="output folder (default: output/)")
    pr.add_argument("--formats", default="json,docx,txt",
                    help="comma-separated output formats among json, docx, txt, pdf, alto (default: "
                         "json,docx,txt); pdf and alto are skipped, with a note, for text inputs")
    pr.add_argument("--pdfa", choices=("2b", "3b"), default="2b",
                    help="PDF output: PDF/A-2b (default), or PDF/A-3b with the plan JSON attached")
    pr.add_argument("--review", action="store_true",
                    help="DOCX review mode: highlight low-confidence changes, original OCR in a comment")
    pr.add_argument("-j", "--jobs", type=positive_int, default=None, metavar="N",
                    help="processes to use (default: the number of cores); several files run in parallel, "
                         "a single file's pages do")
    pr.add_argument("--force", action="store_true",
                    help="redo every input, even those the manifest says are done and unchanged")
    pr.add_argument("--excel", action="store_true",
                    help="also write the metadata sheet as OUTDIR/metadata.xlsx (metadata.csv is always written)")
    pr.add_argument("--corrections", metavar="FILE",
                    help="prefer the words reviewers wrote: the sohoa-corrections.tsv that `sohoa review` keeps "
                         "in its OUTDIR (a misreading corrected there comes out corrected here)")
    pr.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                    help="run on a Dask cluster: send the documents to the workers of this scheduler "
                         "(inputs and OUTDIR must be on storage every worker sees, at the same paths; "
                         "--jobs is then ignored)")
    pr.add_argument("--pages-per-task", type=positive_int, default=10, metavar="N",
                    help="with --scheduler, a document of more than N pages is read in parts of at most N "
                         "pages by several workers (default: 10)")

    df = sub.add_parser(
        "diff", parents=[common, reading], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="compare two plans: which targets changed, were added or removed",
        description="Compare two plans, typically one year's and the next. OLD and NEW are plan JSON files "
                    "written by `sohoa process`, or source documents (processed first; nothing is written).\n\n"
                    "Targets and their breakdown items are matched across the plans by indicator (renumbered, "
                    "reordered, reworded a little or damaged by OCR), unit and value, each at most once; each is "
                    "changed, unchanged, added or removed, with old, new, delta and percent change (units of one "
                    "kind, e.g. triệu đồng and tỷ đồng, are converted; delta is in NEW's unit). Sections added or "
                    "removed are listed too.",
        epilog=EPILOG)
    df.add_argument("old", metavar="OLD", help="the earlier plan (.json) or document")
    df.add_argument("new", metavar="NEW", help="the later plan (.json) or document")
    df.add_argument("--format", choices=DIFF_FORMATS, default=None,
                    help="md (a readable table), json (the diff contract), csv (one row per change) or html "
                         "(a page to open in a browser); default: from the -o file's extension, else md")
    df.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")

    tg = sub.add_parser(
        "targets", parents=[common, reading], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="export the targets of plans as CSV or JSON lines",
        description="One row per target and per breakdown item, across all the inputs: document, year, "
                    "locality, number, indicator, value, value_max, unit, qualifier, parent, line. INPUTs are "
                    "plan JSON files written by `sohoa process`, source documents (processed first; nothing "
                    "else is written), or folders of either (walked recursively; a document with its plan "
                    "JSON beside it counts once).",
        epilog=EPILOG)
    tg.add_argument("inputs", nargs="+", metavar="INPUT", help="plan JSON files, documents or folders")
    tg.add_argument("--format", choices=TARGET_FORMATS, default=None,
                    help="csv or jsonl (one JSON object per line); default: from the -o file's extension, else csv")
    tg.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    tg.add_argument("--excel", action="store_true",
                    help="CSV for Excel in a Vietnamese locale: UTF-8 with a byte order mark, ';' between "
                         "fields, ',' as the decimal mark")

    rv = sub.add_parser(
        "review", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="check restored words against the scans in the browser; corrections remake the outputs",
        description="Serve a local web page for the documents of a `sohoa process` output folder: the "
                    "page image with every word's box beside the restored text, unsure words first, the "
                    "restorer's alternatives and the OCR's reading of each word. Each correction is saved "
                    "at once in OUTDIR/<name>.corrections.json, the document's outputs are made again from "
                    "the corrected words, and OUTDIR/sohoa-corrections.tsv collects them for "
                    "`sohoa process --corrections`.\n\n"
                    "The server listens on 127.0.0.1 only and prints its URL with a random access token; "
                    "requests without it are refused. Ctrl-C stops it.",
        epilog=EPILOG)
    rv.add_argument("outdir", metavar="OUTDIR", help="an output folder of `sohoa process`")
    rv.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    rv.add_argument("--no-browser", action="store_true", help="print the URL, do not open a browser")

    rs = sub.add_parser(
        "restore", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="restore OCR'd Vietnamese text; restored text to stdout, line for line",
        description="Restore Vietnamese text that was OCR'd badly (an English model's output, "
                    "or a poor scan read in Vietnamese). Clean text comes out unchanged.",
        epilog=EPILOG)
    rs.add_argument("file", nargs="?", default="-", metavar="FILE|-", help="text file, or - for stdin (default)")
    rs.add_argument("--explain", action="store_true",
                    help="after each line, list the words changed: original -> restored (confidence)")
    rs.add_argument("--corrections", metavar="FILE",
                    help="prefer the words reviewers wrote (the sohoa-corrections.tsv of `sohoa review`)")
    return p


# Tesseract's page segmentation modes that read text: 0 only detects orientation, 2 is not
# implemented; anything else fails every page.
PSM_CHOICES = (1, *range(3, 14))


def page_segmentation(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value not in PSM_CHOICES:
        raise argparse.ArgumentTypeError(
            f"expected a Tesseract page segmentation mode that reads text (1 or 3-13), got {text!r}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return ExitCode.USAGE
    try:
        if args.command == "process":
            return cmd_process(args)
        if args.command == "restore":
            return cmd_restore(args)
        if args.command == "diff":
            return cmd_diff(args)
        if args.command == "targets":
            return cmd_targets(args)
        if args.command == "review":
            return cmd_review(args)
        raise UsageError(f"unknown command {args.command!r}")
    except KeyboardInterrupt as e:      # errors.Terminated too (SIGTERM)
        code = exit_code_for(e)
        say("sohoa: " + ("terminated" if code == ExitCode.TERMINATED else "interrupted"))
        return code
    except SohoaError as e:
        report(e, args)
        return e.exit_code
    except BrokenPipeError:
        # Standard output closed by its reader (`sohoa targets out | head`): what was asked for
        # was not all delivered, so not a success. Nothing more goes to the closed pipe.
        _silence(sys.stdout)
        e = OutputClosedError("standard output was closed before everything was written",
                              hint="write to a file with -o instead")
        report(e, args)
        return e.exit_code
    except Exception as e:  # a bug: say so plainly, keep the traceback for --verbose
        report(e, args)
        return exit_code_for(e)


def say(text: str) -> None:
    """A line on stderr, if stderr can still take one (it may be a closed pipe)."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        _silence(sys.stderr)


def _silence(stream) -> None:
    """Point a broken standard stream at /dev/null, so that the flush at exit cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def report(exc: BaseException, args) -> None:
    if isinstance(exc, SohoaError):
        say(f"sohoa: error: {exc.render()}")
    else:
        say(f"sohoa: internal error: {type(exc).__name__}: {printable(str(exc))} "
            "(this is a bug; rerun with --verbose and report the output)")
    if getattr(args, "verbose", False):
        try:
            traceback.print_exception(exc, file=sys.stderr)
        except (OSError, ValueError):
            pass


def parse_formats(text: str) -> tuple[str, ...]:
    from .api import FORMATS
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown output format(s): {', '.join(unknown) or '(none given)'}",
                         hint=f"choose among {', '.join(FORMATS)}")
    return formats


def cmd_process(args) -> int:
    from .api import ProcessOptions
    from .batch import default_jobs, run_batch

    corrections = None
    if args.corrections:
        from .restore.corrections import load_corrections
        load_corrections(args.corrections)        # a missing or malformed file stops here (exit 2)
        corrections = Path(args.corrections).resolve()
    options = ProcessOptions(outdir=Path(args.outdir), formats=parse_formats(args.formats), lang=args.lang,
                             psm=args.psm, tone_style=args.tone_style, review=args.review,
                             jobs=args.jobs or default_jobs(), force=args.force, excel=args.excel, pdfa=args.pdfa,
                             text_layer=args.text_layer, corrections=corrections, scheduler=args.scheduler,
                             pages_per_task=args.pages_per_task)
    if options.scheduler:
        from .batch.cluster import scheduler_address
        options = options.with_(scheduler=scheduler_address(options.scheduler))   # a bad address: exit 2 now
    return run_batch([Path(p) for p in args.inputs], options, verbose=args.verbose)


def reading_options(args):
    """ProcessOptions for commands that may process a source document without writing it."""
    from .api import ProcessOptions
    return ProcessOptions(outdir=None, lang=args.lang, psm=args.psm, tone_style=args.tone_style,
                          text_layer=args.text_layer)


def output_format(args, choices: tuple[str, ...], default: str) -> str:
    """--format, else the -o file's extension when it names a format, else `default`."""
    if args.format:
        return args.format
    ext = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return ext if ext in choices else default


def emit(text: str, output: str | None) -> None:
    """Write to FILE atomically, or to standard output as UTF-8 whatever the locale."""
    if output:
        from .export.atomic import write_bytes
        write_bytes(output, utf8(text))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(utf8(text))
        sys.stdout.buffer.flush()


def utf8(text: str) -> bytes:
    """UTF-8 bytes of `text`; a file name's undecodable bytes (held as surrogates) as they were."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")


def cmd_diff(args) -> int:
    from .export.diff import diff_plans
    from .export.diff_formats import render
    from .export.plan_inputs import load_plan

    options = reading_options(args)
    old = load_plan(args.old, options)
    new = load_plan(args.new, options)
    diff = diff_plans(old, new, old_label=args.old, new_label=args.new)
    emit(render(diff, output_format(args, DIFF_FORMATS, "md")), args.output)
    s = diff["summary"]
    sections = diff["sections"]
    say(f"sohoa: {s['changed']} changed, {s['unchanged']} unchanged, {s['added']} added, {s['removed']} removed"
        f" target(s); {sum(x['change'] == 'added' for x in sections)} section(s) added, "
        f"{sum(x['change'] == 'removed' for x in sections)} removed"
        + (f" -> {args.output}" if args.output else ""))
    return ExitCode.OK


def cmd_targets(args) -> int:
    from .errors import MissingDependencyError
    from .export.plan_inputs import expand_plan_inputs, load_plan
    from .export.targets import render_targets, target_rows

    fmt = output_format(args, TARGET_FORMATS, "csv")
    if args.excel and fmt != "csv":
        raise UsageError("--excel applies to CSV output only", hint="drop --excel, or use --format csv")
    inputs = expand_plan_inputs([Path(p) for p in args.inputs])
    if not inputs:
        raise UsageError("no plan JSON or document found in " + ", ".join(args.inputs),
                         hint="give plan .json files written by `sohoa process`, documents, or folders of them")
    options = reading_options(args)
    rows, failed = [], 0
    for path in inputs:
        try:
            rows.extend(target_rows(load_plan(path, options), document=str(path)))
        except MissingDependencyError:
            raise
        except SohoaError as e:
            failed += 1
            report(e, args)
    emit(render_targets(rows, fmt, excel=args.excel), args.output)
    say(f"sohoa: {len(rows)} target row(s) from {len(inputs) - failed} document(s)"
        + (f", {failed} failed" if failed else "") + (f" -> {args.output}" if args.output else ""))
    return ExitCode.INPUT_FAILED if failed else ExitCode.OK


def cmd_review(args) -> int:
    from .review.server import serve
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number", hint="give 1-65535, or 0 for any free port")
    return serve(Path(args.outdir), port=args.port, open_browser=not args.no_browser)


def cmd_restore(args) -> int:
    from .restore import restore_string as restore
    from .ingest import read_bytes
    from .ingest.text import decode_text

    if args.file == "-":
        data = sys.stdin.buffer.read()
        text = decode_text(data, Path("<stdin>")) if data.strip() else ""
    else:
        text = decode_text(read_bytes(Path(args.file)), Path(args.file))
    if text.endswith("\n"):   # every output line gets its own newline below
        text = text[:-1]
    if args.corrections:
        from .model import RawText
        from .restore import restore_text
        from .restore.corrections import load_corrections
        restored = restore_text(RawText.from_string(text), style=args.tone_style,
                                corrections=load_corrections(args.corrections))
    else:
        restored = restore(text, tone_style=args.tone_style)
    out: list[str] = []
    for line in restored.lines:
        out.append(line.text + "\n")
        if args.explain:
            for tok in line.tokens:
                if tok.changed:
                    out.append(f"    {tok.original} -> {tok.text} ({tok.confidence:.2f})\n")
    emit("".join(out), None)
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
