"""Documents over REST: paste, upload .txt/.md/.pdf, clear 400s for binary, encrypted, broken or
oversized files (nothing written), list without content, read, delete, and who may do what."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from builder import documents
from builder.models import Document, Workspace

from .conftest import encrypted_pdf, make_pdf


def ws_of(users):
    return Workspace.personal_of(users["alice"])


def paste(client, ws, text="body"):
    return client.post(f"/api/workspaces/{ws.pk}/documents", {"name": "n", "text": text}, format="json").json()["id"]


def upload(client, ws, filename, data, **extra):
    return client.post(f"/api/workspaces/{ws.pk}/documents", {"file": SimpleUploadedFile(filename, data), **extra},
                       format="multipart")


def test_it_stores_pasted_text(users, as_user):
    ws = ws_of(users)
    resp = as_user("bob").post(f"/api/workspaces/{ws.pk}/documents", {"name": "Notes", "text": "héllo\nworld"},
                               format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["name"], body["source"], body["size"], body["chars"], body["created_by"]) == \
        ("Notes", "paste", len("héllo\nworld".encode()), 11, "bob")
    assert Document.objects.get(pk=body["id"]).content == "héllo\nworld"


def test_it_extracts_text_and_markdown_files(users, as_user):
    ws = ws_of(users)
    client = as_user("alice")
    txt = upload(client, ws, "a.txt", "\ufeffplain text".encode())
    md = upload(client, ws, "readme.md", b"# Title\n\nbody", name="Readme")
    assert txt.status_code == md.status_code == 201
    assert client.get(f"/api/documents/{txt.json()['id']}").json()["text"] == "plain text"
    got = client.get(f"/api/documents/{md.json()['id']}").json()
    assert (got["name"], got["source"], got["text"]) == ("Readme", "md", "# Title\n\nbody")


def test_it_extracts_the_text_of_every_pdf_page(users, as_user):
    resp = upload(as_user("alice"), ws_of(users), "book.pdf", make_pdf(["Chapter one (otters)", "Chapter two"]))
    assert resp.status_code == 201, resp.content
    text = Document.objects.get(pk=resp.json()["id"]).content
    assert "Chapter one (otters)" in text and "Chapter two" in text and resp.json()["source"] == "pdf"


def refused(resp, code, words):
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert error["code"] == code and words in error["message"], error
    return error


def test_an_encrypted_pdf_is_a_clear_400(users, as_user):
    refused(upload(as_user("alice"), ws_of(users), "locked.pdf", encrypted_pdf("secret text")),
            "invalid_document", "the PDF is encrypted")
    assert not Document.objects.exists()


def test_a_broken_pdf_is_a_clear_400(users, as_user):
    good = make_pdf(["x"])
    for data in (b"%PDF-1.4\n garbage garbage", good[: len(good) // 3], b"not a pdf at all"):
        refused(upload(as_user("alice"), ws_of(users), "bad.pdf", data), "invalid_document", "not a valid PDF")
    assert not Document.objects.exists()


def test_binary_or_non_utf8_text_is_refused(users, as_user):
    ws = ws_of(users)
    refused(upload(as_user("alice"), ws, "x.txt", b"\x89PNG\r\n\x1a\n\x00\x00"), "invalid_document", "binary")
    refused(upload(as_user("alice"), ws, "x.md", "café".encode("latin-1")), "invalid_document", "not UTF-8")
    refused(upload(as_user("alice"), ws, "x.docx", b"PK\x03\x04"), "unsupported_type", ".txt, .md and .pdf")
    assert not Document.objects.exists()


def test_the_size_limit_is_stated(users, as_user, settings):
    error = refused(upload(as_user("alice"), ws_of(users), "big.txt", b"a" * (documents.MAX_BYTES + 1)),
                    "too_large", "10 MB")
    assert f"{documents.MAX_BYTES:,}" in error["message"]
    assert not Document.objects.exists()


def test_empty_documents_and_unknown_fields_are_refused(users, as_user):
    client, ws = as_user("alice"), ws_of(users)
    refused(client.post(f"/api/workspaces/{ws.pk}/documents", {"name": "n", "text": "  \n"}, format="json"),
            "invalid_document", "empty")
    resp = client.post(f"/api/workspaces/{ws.pk}/documents", {"name": "n", "text": "x", "size": 1}, format="json")
    assert resp.status_code == 400 and "size" in resp.json()["error"]["details"]


def test_the_list_has_no_content_and_delete_removes(users, as_user):
    client, ws = as_user("alice"), ws_of(users)
    doc_id = paste(client, ws)
    listed = as_user("vera").get(f"/api/workspaces/{ws.pk}/documents").json()
    assert [d["id"] for d in listed] == [doc_id] and "text" not in listed[0] and "content" not in listed[0]
    assert as_user("vera").delete(f"/api/documents/{doc_id}").status_code == 403
    assert as_user("bob").delete(f"/api/documents/{doc_id}").status_code == 204
    assert client.get(f"/api/documents/{doc_id}").status_code == 404


def test_outsiders_see_nothing_and_viewers_cannot_upload(users, as_user):
    client, ws = as_user("alice"), ws_of(users)
    doc_id = paste(client, ws)
    assert as_user("charlie").get(f"/api/documents/{doc_id}").status_code == 404
    assert as_user("charlie").get(f"/api/workspaces/{ws.pk}/documents").status_code == 404
    assert as_user("vera").post(f"/api/workspaces/{ws.pk}/documents", {"name": "n", "text": "x"},
                                format="json").status_code == 403


def test_load_for_run_is_scoped_to_the_workspace(users, as_user):
    ws = ws_of(users)
    doc_id = as_user("alice").post(f"/api/workspaces/{ws.pk}/documents", {"name": "n", "text": "body"},
                                   format="json").json()["id"]
    assert documents.load_for_run(ws.pk, doc_id)["text"] == "body"
    other = Workspace.personal_of(users["charlie"])
    for workspace_id, ref in ((other.pk, doc_id), (ws.pk, 999999), (ws.pk, "nope")):
        try:
            documents.load_for_run(workspace_id, ref)
        except LookupError:
            continue
        raise AssertionError(f"{ref} was found from workspace {workspace_id}")
