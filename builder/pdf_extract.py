"""A PDF's text, read in a child process with hard limits: wall time, CPU, memory, pages and
characters of output.

Why a process: a PDF's content streams are compressed, so a 20 KB file can hold a 5 MB stream
shared by every page, and pypdf parses it once per page; one such file held a web thread for
minutes and stored millions of characters. A thread cannot be stopped mid-parse and pypdf's
work is CPU-bound in one interpreter, so the parse runs in its own interpreter, which limits
itself (``RLIMIT_AS``, ``RLIMIT_CPU``, no files written) before it reads a byte, reports which
limit a file broke, and is killed by the parent at the deadline.

The parent side (:func:`extract_text`) is plain Python and Django-free; run as a script this
file is the child, and imports only the standard library and pypdf.
"""
from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from typing import Any

EXIT_MEMORY = 75  # the child ran out of its address space (RLIMIT_AS)


@dataclass(frozen=True)
class PdfLimits:
    seconds: float = 15.0  # wall time for the whole extraction, interpreter start included
    pages: int = 2_000
    chars: int = 5_000_000  # characters of extracted text (a 2,000-page book is ~4 M)
    memory_mb: int = 512  # address space of the child (the interpreter and pypdf start at ~50 MB)
    concurrent: int = 2  # extractions at once per web process; more wait up to `seconds`


class PdfLimitExceeded(Exception):
    """The file broke ``limit`` (``seconds``, ``pages``, ``chars``, ``memory_mb``, ``concurrent``);
    ``found`` is what the file reached, when known."""

    def __init__(self, limit: str, value: float, found: float | None = None, message: str = ""):
        super().__init__(message or limit)
        self.limit, self.value, self.found = limit, value, found


class PdfUnreadable(Exception):
    """Not a PDF pypdf can read, or an encrypted one (``encrypted``); the message says why."""

    def __init__(self, message: str, *, encrypted: bool = False):
        super().__init__(message)
        self.encrypted = encrypted


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _slot(n: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(n, threading.BoundedSemaphore(n))


def extract_text(data: bytes, limits: PdfLimits) -> tuple[str, int]:
    """``(text, pages)`` of the PDF in ``data``, pages' text separated by a blank line.

    Raises :class:`PdfLimitExceeded` naming the limit a file broke, :class:`PdfUnreadable` for
    damaged or encrypted files. Blocks the calling thread for at most ``2 × limits.seconds``
    (a wait for a free slot, then the child's deadline)."""
    slot = _slot(limits.concurrent)
    if not slot.acquire(timeout=limits.seconds):
        raise PdfLimitExceeded("concurrent", limits.concurrent)
    try:
        return _run_child(data, limits)
    finally:
        slot.release()


def _run_child(data: bytes, limits: PdfLimits) -> tuple[str, int]:
    # -I: the child ignores PYTHON* variables and the user's site-packages (the venv's stay).
    cmd = [sys.executable, "-I", os.path.abspath(__file__), json.dumps(asdict(limits))]
    try:
        proc = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=limits.seconds, check=False)
    except subprocess.TimeoutExpired:  # run() has killed and reaped the child
        raise PdfLimitExceeded("seconds", limits.seconds) from None
    if proc.returncode == EXIT_MEMORY:
        raise PdfLimitExceeded("memory_mb", limits.memory_mb)
    if proc.returncode < 0 and -proc.returncode in (_signal("SIGXCPU"), _signal("SIGKILL")):
        raise PdfLimitExceeded("seconds", limits.seconds)  # the CPU limit, the backstop of the deadline
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        raise PdfUnreadable(f"the PDF reader stopped unexpectedly (exit {proc.returncode})") from None
    if "text" in result:
        return str(result["text"]), int(result["pages"])
    error = result.get("error")
    if error in ("pages", "chars"):
        raise PdfLimitExceeded(error, getattr(limits, error), result.get("found"))
    raise PdfUnreadable(str(result.get("message") or "not a valid PDF"), encrypted=error == "encrypted")


def _signal(name: str) -> int:
    import signal

    return int(getattr(signal, name, -1))


# ---------------------------------------------------------------- the child


def _limit_self(limits: PdfLimits) -> None:
    import resource

    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it has no file to write


def _extract(data: bytes, limits: PdfLimits) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return {"error": "encrypted", "message": "the PDF is encrypted; upload an unprotected copy"}
        count = len(reader.pages)
        if count > limits.pages:
            return {"error": "pages", "found": count}
        texts: list[str] = []
        total = 0
        for page in reader.pages:
            text = (page.extract_text() or "").strip()
            total += len(text)
            if total > limits.chars:
                return {"error": "chars", "found": total}
            if text:
                texts.append(text)
        return {"text": "\n\n".join(texts), "pages": count}
    except FileNotDecryptedError:
        return {"error": "encrypted", "message": "the PDF is encrypted; upload an unprotected copy"}
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged PDF can make the parser raise anything
        return {"error": "invalid", "message": f"not a valid PDF: {str(exc)[:200] or type(exc).__name__}"}


def main() -> None:
    limits = PdfLimits(**json.loads(sys.argv[1]))
    _limit_self(limits)
    data = sys.stdin.buffer.read()
    try:
        result = _extract(data, limits)
        del data
        out = json.dumps(result)  # ASCII: any text pypdf made (lone surrogates too) travels intact
        del result
        sys.stdout.write(out)
        sys.stdout.flush()
    except MemoryError:
        os._exit(EXIT_MEMORY)


if __name__ == "__main__":
    main()
