"""The `sohoa` command.

Only argparse and the standard library are imported at start-up, so `sohoa --help` is instant;
each command imports what it needs. Errors a user can cause are SohoaError subclasses, printed
as one line (no traceback unless --verbose) and mapped to exit codes in errors.exit_code_for.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import __version__
from .errors import ExitCode, SohoaError, UsageError, exit_code_for

EPILOG = """\
exit codes:
  0  every input done
  1  internal error (a bug: please report it with the --verbose output)
  2  bad usage (unknown option, missing argument, unknown format)
  3  a missing dependency (Tesseract or its Vietnamese data); the message says how to install it
  4  some inputs failed (each is named on stderr); the other inputs were still written
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

    pr = sub.add_parser(
        "process", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="OCR, restore and parse documents; write json/docx/txt",
        description="Process scans (.png .jpg .jpeg .tif .tiff .pdf) and old OCR text (.txt) into "
                    "OUTDIR/<name>.json (sohoa.plan/1), .docx and .txt. Folders are walked recursively.",
        epilog=EPILOG)
    pr.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    pr.add_argument("-o", "--outdir", default="output", help="output folder (default: output/)")
    pr.add_argument("--formats", default="json,docx,txt",
                    help="comma-separated output formats among json, docx, txt (default: all three)")
    pr.add_argument("--lang", default="vie", help="Tesseract language for scans (default: vie)")
    pr.add_argument("--psm", type=int, default=3, help="Tesseract page segmentation mode (default: 3)")
    pr.add_argument("--review", action="store_true",
                    help="DOCX review mode: highlight low-confidence changes, original OCR in a comment")

    rs = sub.add_parser(
        "restore", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="restore OCR'd Vietnamese text; restored text to stdout, line for line",
        description="Restore Vietnamese text that was OCR'd badly (an English model's output, "
                    "or a poor scan read in Vietnamese). Clean text comes out unchanged.",
        epilog=EPILOG)
    rs.add_argument("file", nargs="?", default="-", metavar="FILE|-", help="text file, or - for stdin (default)")
    rs.add_argument("--explain", action="store_true",
                    help="after each line, list the words changed: original -> restored (confidence)")
    return p


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
        raise UsageError(f"unknown command {args.command!r}")
    except KeyboardInterrupt:
        print("sohoa: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except SohoaError as e:
        report(e, args)
        return e.exit_code
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as e:  # a bug: say so plainly, keep the traceback for --verbose
        report(e, args)
        return exit_code_for(e)


def report(exc: BaseException, args) -> None:
    if isinstance(exc, SohoaError):
        print(f"sohoa: error: {exc.render()}", file=sys.stderr)
    else:
        print(f"sohoa: internal error: {type(exc).__name__}: {exc} "
              "(this is a bug; rerun with --verbose and report the output)", file=sys.stderr)
    if getattr(args, "verbose", False):
        traceback.print_exception(exc, file=sys.stderr)


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
    from .batch import run_batch

    options = ProcessOptions(outdir=Path(args.outdir), formats=parse_formats(args.formats), lang=args.lang,
                             psm=args.psm, tone_style=args.tone_style, review=args.review)
    return run_batch([Path(p) for p in args.inputs], options, verbose=args.verbose)


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
    restored = restore(text, tone_style=args.tone_style)
    out = sys.stdout
    for line in restored.lines:
        out.write(line.text + "\n")
        if args.explain:
            for tok in line.tokens:
                if tok.changed:
                    out.write(f"    {tok.original} -> {tok.text} ({tok.confidence:.2f})\n")
    out.flush()
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
