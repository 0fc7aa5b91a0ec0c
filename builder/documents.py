"""A workspace's documents: pasted text or uploaded .txt, .md and .pdf files, stored as text.

Extraction happens before anything is written, and the row is written in one statement, so a
failed upload leaves nothing behind. Runs read documents through :func:`load_for_run`, scoped to
the run's workspace.
"""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection

from builder.models.document import MAX_NAME, Document, Source
from builder.pdf_extract import PdfLimitExceeded, PdfLimits, PdfUnreadable, extract_text
from fomo.errors import DomainError
from fomo.jsonsafe import storable_text

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md"}


class DocumentError(DomainError):
    code = "invalid_document"


def too_large(size: int) -> DocumentError:
    return DocumentError(f"the file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (10 MB)", code="too_large")


# ---------------------------------------------------------------- extraction


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped); binary data is refused."""
    if b"\x00" in data:
        raise DocumentError("the file looks binary, not text; upload .txt, .md or .pdf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"the file is not UTF-8 text (invalid byte at position {exc.start})") from None
    return text


def pdf_limits() -> PdfLimits:
    """The PDF extraction limits: the defaults of :class:`PdfLimits`, changed by
    ``FOMO["PDF_LIMITS"]`` (a dict of its fields) in the settings."""
    return PdfLimits(**(settings.FOMO.get("PDF_LIMITS") or {}))


def extract_pdf(data: bytes) -> str:
    """The text of every page, pages separated by a blank line, read under :func:`pdf_limits`
    in a child process (see builder/pdf_extract.py); a file that breaks a limit is refused
    with a message naming it."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("not a valid PDF: the file does not start with %PDF")
    limits = pdf_limits()
    try:
        text, _ = extract_text(data, limits)
    except PdfLimitExceeded as exc:
        raise limit_error(exc, limits) from None
    except PdfUnreadable as exc:
        raise DocumentError(str(exc)) from None
    if not text.strip():
        raise DocumentError("the PDF has no extractable text (is it a scan?)")
    return storable_text(text)  # pypdf can decode a broken font map into lone surrogates


class PdfLimitError(DocumentError):
    """A PDF broke one of :func:`pdf_limits`; ``details`` name it (``limit``, its ``value``, ``found``)."""


_LIMITS = {  # limit -> (HTTP status, code, message)
    "pages": (413, "too_many_pages", "the PDF has {found:,} pages; the limit is {value:,} pages"),
    "chars": (413, "too_much_text", "the PDF's text passes {found:,} characters; the limit is {value:,} characters"),
    "seconds": (422, "pdf_too_slow", "reading the PDF's text took longer than {value:g} s, the limit (the file "
                "may be a decompression bomb: small, but with huge compressed contents)"),
    "memory_mb": (422, "pdf_too_much_memory", "reading the PDF's text needed more than {value:,} MB of memory, "
                  "the limit"),
    "concurrent": (503, "pdf_busy", "{value} PDFs are being read already, the limit; try again in a moment"),
}


def limit_error(exc: PdfLimitExceeded, limits: PdfLimits) -> PdfLimitError:
    status, code, message = _LIMITS[exc.limit]
    error = PdfLimitError(message.format(value=exc.value, found=exc.found or 0), code=code,
                          details={"limit": exc.limit, "value": exc.value, "found": exc.found})
    error.status_code = status
    return error


def source_of(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".pdf"):
        return Source.PDF
    for suffix, source in TEXT_SUFFIXES.items():
        if lower.endswith(suffix):
            return source
    raise DocumentError("only .txt, .md and .pdf files can be uploaded", code="unsupported_type")


def extract(filename: str, data: bytes) -> tuple[str, str]:
    """(text, source) of an uploaded file; raises :class:`DocumentError` with the reason."""
    if len(data) > MAX_BYTES:
        raise too_large(len(data))
    source = source_of(filename)
    text = extract_pdf(data) if source == Source.PDF else decode_text(data)
    if not text.strip():
        raise DocumentError("the document is empty")
    return text.replace("\x00", ""), source


def clean_name(name: str) -> str:
    name = " ".join(name.replace("\\", "/").rsplit("/", 1)[-1].split())
    if not name:
        raise DocumentError("give the document a name")
    return name[:MAX_NAME]


def create(workspace_id: int, user: Any, name: str, text: str, source: str, size: int) -> Document:
    return Document.objects.create(workspace_id=workspace_id, name=clean_name(name), content=text, size=size,
                                   source=source, created_by=user)


# ---------------------------------------------------------------- run time


def load_for_run(workspace_id: int, document_id: Any) -> dict[str, Any]:
    """The document's meta plus ``text``, if it belongs to ``workspace_id``; else LookupError.

    Called by the worker off its event loop; the thread's connection is released after."""
    try:
        pk = int(str(document_id).strip())
    except ValueError:
        raise LookupError("document not found in this workspace") from None
    try:
        doc = Document.objects.select_related("created_by").filter(pk=pk, workspace_id=workspace_id).first()
        if doc is None:
            raise LookupError("document not found in this workspace")
        return {**doc.meta(), "text": doc.content}
    finally:
        release_connection()


def release_connection() -> None:
    """Let a worker thread's connection go once its query is done (never inside a transaction)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
