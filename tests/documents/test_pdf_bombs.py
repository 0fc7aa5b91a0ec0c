"""PDF decompression bombs through the upload API: the text is read in a child process with hard
limits, the request answers within its deadline, the answer names the limit the file broke, and
nothing is stored. The bombs are built here: many pages sharing one compressed content stream."""
from __future__ import annotations

import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from builder.models import Document, Workspace
from builder.pdf_extract import PdfLimits
from tests.documents.conftest import make_pdf, pdf_file

pytestmark = [pytest.mark.django_db]

LINE = b"BT /F1 12 Tf 72 720 Td (" + b"All work and no play makes Jack a dull boy. " * 2 + b") Tj ET\n"


def shared_stream_pdf(pages: int, content: bytes) -> bytes:
    """``pages`` pages whose /Contents all point at one FlateDecode stream holding ``content``."""
    packed = zlib.compress(content, 9)
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    return pdf_file(objects)


def text_of(size: int) -> bytes:
    return LINE * (size // len(LINE))


@pytest.fixture
def workspace(users) -> Workspace:
    return Workspace.personal_of(users["alice"])


@pytest.fixture
def limits(settings):
    """Set the PDF limits for one test (the defaults otherwise)."""
    def set_limits(**changes) -> PdfLimits:
        settings.FOMO = {**settings.FOMO, "PDF_LIMITS": changes}
        return PdfLimits(**changes)

    return set_limits


def upload(client, ws: Workspace, data: bytes, name: str = "bomb.pdf"):
    started = time.monotonic()
    resp = client.post(f"/api/workspaces/{ws.pk}/documents", {"file": SimpleUploadedFile(name, data)},
                       format="multipart")
    return resp, time.monotonic() - started


def broke(resp, status: int, code: str, limit: str, *needles: str) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.content[:300])
    err = resp.json()["error"]
    assert err["code"] == code and err["details"]["limit"] == limit, err
    for needle in needles:
        assert needle in err["message"], (needle, err["message"])
    return err


def test_the_reviewers_bomb_is_stopped_at_the_deadline(as_user, workspace):
    # 18 KB: three pages sharing one 5 MB stream; pypdf alone takes over a minute and makes 11 M characters.
    bomb = shared_stream_pdf(3, text_of(5_000_000))
    assert len(bomb) < 25_000
    resp, took = upload(as_user("alice"), workspace, bomb)
    if resp.status_code == 413:  # a fast machine reaches the character limit before the deadline
        broke(resp, 413, "too_much_text", "chars", "5,000,000 characters")
    else:
        broke(resp, 422, "pdf_too_slow", "seconds", "15 s")
    assert took < PdfLimits().seconds + 5
    assert not Document.objects.exists()


def test_a_slow_pdf_is_refused_naming_the_time_limit(as_user, workspace, limits):
    limits(seconds=2)
    resp, took = upload(as_user("alice"), workspace, shared_stream_pdf(4, text_of(1_000_000)))
    broke(resp, 422, "pdf_too_slow", "seconds", "2 s")
    assert took < 4
    assert not Document.objects.exists()


def test_too_much_text_is_refused_naming_the_character_limit(as_user, workspace, limits):
    limits(chars=20_000)
    resp, _ = upload(as_user("alice"), workspace, shared_stream_pdf(3, text_of(12_000)))
    err = broke(resp, 413, "too_much_text", "chars", "20,000 characters")
    assert err["details"]["found"] > 20_000
    assert not Document.objects.exists()


def test_too_many_pages_are_refused_naming_the_page_limit(as_user, workspace):
    resp, _ = upload(as_user("alice"), workspace, shared_stream_pdf(2_001, LINE))
    err = broke(resp, 413, "too_many_pages", "pages", "2,001 pages", "2,000")
    assert err["details"]["found"] == 2_001
    assert not Document.objects.exists()


def test_a_pdf_that_needs_too_much_memory_is_refused_naming_the_memory_limit(as_user, workspace, limits):
    limits(memory_mb=150)
    resp, _ = upload(as_user("alice"), workspace, shared_stream_pdf(1, b" " * 70_000_000))
    broke(resp, 422, "pdf_too_much_memory", "memory_mb", "150 MB")
    assert not Document.objects.exists()


def test_ordinary_pdfs_still_upload_within_the_limits(as_user, workspace):
    pages = [f"Chapter {i}: the quick brown fox jumps over the lazy dog." for i in range(300)]
    resp, took = upload(as_user("alice"), workspace, make_pdf(pages), "book.pdf")
    assert resp.status_code == 201, resp.content
    doc = Document.objects.get()
    assert doc.content.startswith("Chapter 0: the quick") and doc.content.count("Chapter") == 300
    assert took < 10
