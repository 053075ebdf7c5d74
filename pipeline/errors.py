"""Typed errors and the exit codes they map to.

Every failure a user can cause or fix is one of these classes. Each carries a coded message
that names the file (when there is one) and says how to fix it; the CLI prints that message
and exits with the class's code, without a traceback (`--verbose` adds one). The codes are a
public contract, documented in the README; scripts depend on them, so never renumber.
"""
from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0                 # every input done
    INTERNAL = 1           # a bug in sohoa: please report it with --verbose output
    USAGE = 2              # bad command-line arguments
    MISSING_DEPENDENCY = 3  # Tesseract, its `vie` data or another program is absent
    INPUT_FAILED = 4       # at least one input failed; the others were still written
    INTERRUPTED = 130      # Ctrl-C (SIGINT)
    TERMINATED = 143       # SIGTERM (128 + 15, as a shell reports a process killed by it)


def printable(text: str) -> str:
    """`text` (a path, or a message naming one) as valid Unicode for messages, reports and JSON:
    the bytes of a file name that are not UTF-8 (a CP1258 or Latin-1 name from an old archive
    share, which Python holds as lone surrogates) are shown as \\xNN."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:            # a surrogate that did not come from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class SohoaError(Exception):
    """Base class: `code` is a short stable identifier (E1xx input, E2xx dependency, E3xx usage,
    E4xx output), `hint` says what to do about it."""
    exit_code = ExitCode.INTERNAL
    code = "E000"

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint
        super().__init__(self.render())

    def __reduce__(self):
        # Pickled whole (by a Dask worker raising it to its client), not rebuilt from the rendered text.
        return (_rebuild, (type(self), self.message, self.path, self.hint))

    def render(self) -> str:
        where = f"{printable(self.path)}: " if self.path else ""
        text = f"[{self.code}] {where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def _rebuild(cls, message, path, hint):
    return cls(message, path=path, hint=hint)


# ---------------------------------------------------------------- input files (exit 4)

class InputFileError(SohoaError):
    """An input file that cannot be read as a document."""
    exit_code = ExitCode.INPUT_FAILED
    code = "E100"


class MissingInputError(InputFileError):
    code = "E101"


class EmptyInputError(InputFileError):
    code = "E102"


class UnsupportedFormatError(InputFileError):
    code = "E103"


class BinaryTextError(InputFileError):
    code = "E104"


class CorruptImageError(InputFileError):
    code = "E105"


class ImageTooLargeError(InputFileError):
    code = "E106"


class NotAPdfError(InputFileError):
    code = "E107"


class EncryptedPdfError(InputFileError):
    code = "E108"


class CorruptPdfError(InputFileError):
    code = "E109"


class OcrFailedError(InputFileError):
    """Tesseract ran but failed on this input (crash, killed, unreadable output)."""
    code = "E110"


class BadPlanError(InputFileError):
    """A JSON file given where a sohoa.plan/1 document was expected."""
    code = "E111"


class CorruptDocumentError(InputFileError):
    """A Word file (.docx, or what LibreOffice made of a .doc) that cannot be read."""
    code = "E112"


class ConverterMissingError(InputFileError):
    """A .doc (.odt, .rtf) needs LibreOffice to be read and LibreOffice is not installed. An
    input failure (exit 4), not a missing dependency (exit 3): the other inputs of a batch do
    not need it and are still processed."""
    code = "E113"


class ConversionFailedError(InputFileError):
    """LibreOffice ran on the file but made nothing of it (damaged, protected, timed out)."""
    code = "E114"


class UnreadableFolderError(InputFileError):
    """A folder (given, or found while walking one) whose listing cannot be read."""
    code = "E115"


class LinkOutsideError(InputFileError):
    """A link in an input folder to a file or folder outside it: not followed."""
    code = "E116"


class NotRegularFileError(InputFileError):
    """A named pipe, device or socket: reading it could block for ever or never end."""
    code = "E117"


class TextTooLargeError(InputFileError):
    """A text input (or a PDF's text layers) longer than any plan."""
    code = "E118"


# ---------------------------------------------------------------- dependencies (exit 3)

class MissingDependencyError(SohoaError):
    exit_code = ExitCode.MISSING_DEPENDENCY
    code = "E200"


class ClusterError(MissingDependencyError):
    """The Dask cluster of `--scheduler` cannot be used: unreachable, gone mid-run, no workers,
    workers that run another sohoa or cannot see OUTDIR. A rerun resumes from the manifest."""
    code = "E210"


# ---------------------------------------------------------------- usage (exit 2)

class UsageError(SohoaError):
    exit_code = ExitCode.USAGE
    code = "E300"


# ---------------------------------------------------------------- outputs (exit 4)

class OutputError(SohoaError):
    """An output could not be written (folder not writable, disk full)."""
    exit_code = ExitCode.INPUT_FAILED
    code = "E400"


class OutputClosedError(OutputError):
    """Standard output was closed before everything was written (`sohoa restore f | head`)."""
    code = "E401"


# ---------------------------------------------------------------- signals

class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that it ends a run as Ctrl-C does (the batch stops
    its workers and says what was done), with its own exit code."""


def exit_code_for(exc: BaseException) -> ExitCode:
    """The one place that maps an exception to the process exit code."""
    if isinstance(exc, SohoaError):
        return exc.exit_code
    if isinstance(exc, Terminated):
        return ExitCode.TERMINATED
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.INTERNAL
