"""Datasets: CSV and JSONL imports are checked whole before anything is written; bad rows are
reported by line (and column); pasted rows, rows from past runs and row edits; limits."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from builder.models import Workspace
from experiments import datasets
from experiments.models import Dataset, DatasetRow
from runs.models import Run

pytestmark = [pytest.mark.postgres]


def upload(client, ws, filename: str, content: bytes | str, **fields):
    data = content.encode() if isinstance(content, str) else content
    return client.post(f"/api/workspaces/{ws.pk}/datasets/import",
                       {"file": SimpleUploadedFile(filename, data), **fields}, format="multipart")


def test_it_imports_a_csv_with_an_expected_column(as_user, workspace):
    csv_text = 'question,tone,expected\nWhat is 2+2?,plain,4\n"A ""quoted"", multi\nline one",formal,yes\n\n'
    resp = upload(as_user("bob"), workspace, "qa.csv", csv_text, name="Quiz")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["name"] == "Quiz" and body["columns"] == ["question", "tone"] and body["row_count"] == 2
    assert body["rows"][0]["inputs"] == {"question": "What is 2+2?", "tone": "plain"}
    assert body["rows"][0]["expected"] == "4"
    assert body["rows"][1]["inputs"]["question"] == 'A "quoted", multi\nline one'


def test_it_imports_jsonl_in_both_shapes(as_user, workspace):
    lines = [json.dumps({"inputs": {"question": "a"}, "expected": "x"}), "",
             json.dumps({"question": "b", "n": 3, "expected": {"k": 1}})]
    resp = upload(as_user("alice"), workspace, "rows.jsonl", "\n".join(lines))
    assert resp.status_code == 201, resp.content
    rows = resp.json()["rows"]
    assert [r["inputs"] for r in rows] == [{"question": "a"}, {"question": "b", "n": 3}]
    assert [r["expected"] for r in rows] == ["x", '{"k": 1}']


def test_a_bad_csv_reports_every_bad_line_and_imports_nothing(as_user, workspace):
    csv_text = ("question,expected\n"
                "ok,1\n"
                "too,many,fields\n"
                "\n"
                "fine,2\n"
                f"{'x' * (datasets.MAX_CELL_CHARS + 1)},3\n"
                "short\n")
    resp = upload(as_user("alice"), workspace, "bad.csv", csv_text)
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "invalid_dataset"
    found = [(e["line"], e.get("field")) for e in err["details"]["errors"]]
    assert found == [(3, None), (6, "question"), (7, None)]
    assert "line 3" in err["message"]
    assert not Dataset.objects.exists() and not DatasetRow.objects.exists()


def test_a_bad_jsonl_names_the_line(as_user, workspace):
    text = "\n".join([json.dumps({"q": "a"}), "{not json", "[1, 2]", json.dumps({"inputs": 5})])
    resp = upload(as_user("alice"), workspace, "bad.jsonl", text)
    assert resp.status_code == 400
    errors = resp.json()["error"]["details"]["errors"]
    assert [(e["line"], e.get("field")) for e in errors] == [(2, None), (3, None), (4, "inputs")]
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("name, content, message", [
    ("rows.txt", b"a,b\n1,2\n", "upload a .csv or .jsonl file"),
    ("big.csv", b"q\n" + b"x" * (datasets.MAX_FILE_BYTES + 10), "the limit is 2,097,152"),
    ("latin.csv", "q\ncaf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("empty.csv", b"", "the file is empty"),
    ("header.csv", b"q,q\n1,2\n", "the column name repeats"),
])
def test_unusable_files_are_refused_with_a_reason(as_user, workspace, name, content, message):
    resp = upload(as_user("alice"), workspace, name, content)
    assert resp.status_code == 400
    assert message in json.dumps(resp.json())
    assert not Dataset.objects.exists()


def test_the_row_limit_is_enforced_at_the_first_row_over_it(as_user, workspace):
    body = "q\n" + "".join(f"{i}\n" for i in range(datasets.MAX_ROWS + 3))
    resp = upload(as_user("alice"), workspace, "many.csv", body)
    assert resp.status_code == 400
    assert resp.json()["error"]["details"]["errors"][0]["line"] == datasets.MAX_ROWS + 2
    assert not DatasetRow.objects.exists()


def test_pasted_rows_edit_and_delete(as_user, workspace):
    client = as_user("bob")
    resp = client.post(f"/api/workspaces/{workspace.pk}/datasets", {
        "name": "pasted", "rows": [{"inputs": {"question": "a"}, "expected": "A"}, {"inputs": {"question": "b"}}]},
        format="json")
    assert resp.status_code == 201, resp.content
    ds = resp.json()
    more = client.post(f"/api/datasets/{ds['id']}/rows", {"rows": [{"inputs": {"question": "c", "tone": "x"}}]},
                       format="json")
    assert more.status_code == 201 and more.json()["rows"][0]["position"] == 2
    row = ds["rows"][1]
    edited = client.patch(f"/api/datasets/{ds['id']}/rows/{row['id']}", {"expected": "B"}, format="json")
    assert edited.json() == {**row, "expected": "B"}
    assert client.delete(f"/api/datasets/{ds['id']}/rows/{ds['rows'][0]['id']}").status_code == 204
    detail = client.get(f"/api/datasets/{ds['id']}").json()
    assert [r["inputs"]["question"] for r in detail["rows"]] == ["b", "c"]
    assert detail["columns"] == ["question", "tone"]
    listed = client.get(f"/api/workspaces/{workspace.pk}/datasets").json()
    assert [(d["name"], d["row_count"]) for d in listed] == [("pasted", 2)]


def test_bad_pasted_rows_name_the_row_and_save_nothing(as_user, workspace):
    resp = as_user("bob").post(f"/api/workspaces/{workspace.pk}/datasets", {
        "name": "p", "rows": [{"inputs": {"q": "a"}}, {"inputs": "nope"}, {"inputs": {}, "extra": 1}]}, format="json")
    assert resp.status_code == 400
    assert [(e["row"], e["field"]) for e in resp.json()["error"]["details"]["errors"]] == [(1, "inputs"), (2, "extra")]
    assert not Dataset.objects.exists()


def test_a_viewer_reads_but_cannot_import_or_edit(as_user, workspace):
    resp = upload(as_user("vera"), workspace, "qa.csv", "q\n1\n")
    assert resp.status_code == 403
    ds = datasets.create_dataset(workspace.pk, None, "d", "", [datasets.ParsedRow({"q": "1"}, None)])
    assert as_user("vera").get(f"/api/datasets/{ds.pk}").status_code == 200
    assert as_user("vera").patch(f"/api/datasets/{ds.pk}", {"name": "x"}, format="json").status_code == 403
    assert as_user("charlie").get(f"/api/datasets/{ds.pk}").status_code == 404


def test_rows_from_past_runs_keep_their_inputs_and_optionally_the_output(as_user, workspace, qa_pipeline, users):
    runs = [Run.objects.create(pipeline=qa_pipeline, graph=qa_pipeline.draft, inputs={"question": f"q{i}"},
                               outputs={"answer": f"a{i}"}, status="succeeded") for i in range(2)]
    resp = as_user("alice").post(f"/api/workspaces/{workspace.pk}/datasets/from-runs", {
        "name": "from runs", "run_ids": [r.pk for r in runs], "with_outputs": True}, format="json")
    assert resp.status_code == 201, resp.content
    assert [(r["inputs"], r["expected"]) for r in resp.json()["rows"]] == [({"question": "q0"}, "a0"),
                                                                          ({"question": "q1"}, "a1")]
    charlie_ws = Workspace.personal_of(users["charlie"])
    other = as_user("charlie").post(f"/api/workspaces/{charlie_ws.pk}/datasets/from-runs",
                                    {"name": "stolen", "run_ids": [runs[0].pk]}, format="json")
    assert other.status_code == 400 and "not in this workspace" in other.json()["error"]["message"]


def test_the_import_body_rejects_unknown_fields(as_user, workspace):
    resp = as_user("alice").post(f"/api/workspaces/{workspace.pk}/datasets/import",
                                 {"file": SimpleUploadedFile("a.csv", b"q\n1\n"), "owner": "x"}, format="multipart")
    assert resp.status_code == 400 and "owner" in resp.json()["error"]["details"]
