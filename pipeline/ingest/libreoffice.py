"""The one wrapper around LibreOffice: old Word files (.doc), OpenDocument (.odt) and RTF are
converted to .docx by its headless converter, then read like any .docx.

LibreOffice is optional at run time (`make test` installs it; `make run` does not): without it
these files fail one by one with a clear error (E113) and the rest of a batch goes on. Each
conversion runs in a temporary folder with a profile of its own, so a desktop LibreOffice, a
second worker or a crashed earlier run never locks it; the input is copied there first, so it
is never touched. `SOHOA_SOFFICE` names the program when it is not on PATH.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ConversionFailedError, ConverterMissingError

TIMEOUT = 180.0                 # seconds; a real plan converts in 2-5 s once LibreOffice has started
INSTALL_HINT = ("install LibreOffice Writer, e.g. `apt-get install -y --no-install-recommends "
                "libreoffice-writer-nogui`, or save the file as .docx")


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    named = os.environ.get("SOHOA_SOFFICE")
    if named:
        return named if Path(named).exists() or shutil.which(named) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, path: Path, *, timeout: float = TIMEOUT) -> bytes:
    """The bytes of `path` (a .doc, .odt or .rtf) converted to .docx."""
    exe = soffice()
    if exe is None:
        raise ConverterMissingError(f"reading a {path.suffix.lower()} file needs LibreOffice, which is not installed",
                                    path=path, hint=INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="sohoa-lo-") as tmp:
        tmp = Path(tmp)
        src = tmp / ("input" + path.suffix.lower())
        src.write_bytes(data)
        out = tmp / "out"
        cmd = [exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise ConverterMissingError(f"LibreOffice ({exe}) cannot be started: {exc.strerror}", path=path,
                                        hint=INSTALL_HINT) from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)       # soffice.bin is a child of the soffice script
            proc.communicate()
            raise ConversionFailedError(f"LibreOffice did not finish converting it within {timeout:.0f} s",
                                        path=path, hint="open it in LibreOffice or Word and save it as .docx") from None
        result = out / "input.docx"
        if proc.returncode != 0 or not result.exists():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise ConversionFailedError(
                "LibreOffice could not convert it to .docx" + (f" ({detail[0]})" if detail else ""),
                path=path, hint="check it opens in LibreOffice or Word (damaged or password-protected?)")
        return result.read_bytes()
