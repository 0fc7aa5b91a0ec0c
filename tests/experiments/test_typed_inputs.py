"""CSV values are text: at experiment creation each is read as its pipeline input's declared
type (numbers, booleans and objects for ``json``; objects for ``document``; lists), so
experiments on pipelines with non-text inputs work; a value that cannot be read names its row
and column, and nothing is written."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from builder.graph import validate
from builder.graph_doc import GraphDoc
from builder.models import Pipeline
from experiments import variants
from experiments.models import Experiment
from runs.models import Run

pytestmark = [pytest.mark.postgres]


def typed_graph() -> dict:
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text"})
    g.node("n", "input", {"name": "n", "type": "json"})
    g.node("meta", "input", {"name": "meta", "type": "document", "required": False})
    g.node("tags", "input", {"name": "tags", "type": "list[text]"})
    for name in ("question", "n", "meta", "tags"):
        g.node(f"out_{name}", "output", {"name": f"out_{name}"})
        g.edge(name, "value", f"out_{name}", "value")
    return g.doc()


def test_coerce_value_reads_text_as_the_declared_type():
    assert variants.coerce_value("json", "42") == 42
    assert variants.coerce_value("json", "true") is True
    assert variants.coerce_value("json", '{"a": [1, 2]}') == {"a": [1, 2]}
    assert variants.coerce_value("json", "plain words") == "plain words"  # a JSON string value
    assert variants.coerce_value("text", "42") == "42" and variants.coerce_value("any", "42") == "42"
    assert variants.coerce_value("document", '{"title": "x"}') == {"title": "x"}
    assert variants.coerce_value("list[text]", '["a", "b"]') == ["a", "b"]
    assert variants.coerce_value("embedding", [0.1, 0.2]) == [0.1, 0.2]  # already typed: left alone
    with pytest.raises(ValueError, match="not JSON"):
        variants.coerce_value("document", "title: x")
    with pytest.raises(ValueError, match="a list of text values"):
        variants.coerce_value("list[text]", "[1, 2]")


def test_blank_cells_of_typed_inputs_count_as_not_given():
    plan, errors = validate(typed_graph())
    assert plan is not None, errors
    typed, problems = variants.typed_inputs(plan, {"question": "", "n": "7", "meta": " ", "tags": "[]"})
    assert problems == [] and typed == {"question": "", "n": 7, "tags": []}


def test_a_csv_dataset_runs_on_a_pipeline_with_typed_inputs(as_user, users, workspace):
    pipeline = Pipeline.objects.create(workspace=workspace, name="typed", draft=typed_graph(),
                                       created_by=users["alice"], updated_by=users["alice"])
    client = as_user("alice")
    csv_text = 'question,n,meta,tags\nhi,42,"{""title"": ""A""}","[""x""]"\nho,true,,[]\n'
    ds = client.post(f"/api/workspaces/{workspace.pk}/datasets/import",
                     {"file": SimpleUploadedFile("t.csv", csv_text.encode())}, format="multipart").json()
    assert ds["rows"][0]["inputs"]["n"] == "42"  # the dataset keeps the text it was given
    body = {"name": "typed", "dataset": ds["id"], "scorers": [], "output": "out_question",
            "variants": [{"name": "a", "overrides": []}, {"name": "b", "overrides": []}]}
    resp = client.post(f"/api/pipelines/{pipeline.pk}/experiments", body, format="json")
    assert resp.status_code == 201, resp.content
    inputs = [r.inputs for r in Run.objects.order_by("pk")]
    assert inputs[0] == inputs[1] == {"question": "hi", "n": 42, "meta": {"title": "A"}, "tags": ["x"]}
    assert inputs[2] == {"question": "ho", "n": True, "tags": []}

    bad = 'question,n,meta,tags\nhi,1,{},[]\nho,2,not an object,[]\n'
    ds2 = client.post(f"/api/workspaces/{workspace.pk}/datasets/import",
                      {"file": SimpleUploadedFile("b.csv", bad.encode())}, format="multipart").json()
    resp = client.post(f"/api/pipelines/{pipeline.pk}/experiments", {**body, "dataset": ds2["id"]}, format="json")
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "invalid_experiment" and "row 1, column 'meta'" in err["message"]
    assert {(e["variant"], e["row"], e["field"]) for e in err["details"]["errors"]} == {("a", 1, "meta"),
                                                                                      ("b", 1, "meta")}
    assert Experiment.objects.count() == 1 and Run.objects.count() == 4


def test_an_import_linked_to_a_pipeline_stores_typed_values_and_names_bad_lines(as_user, users, workspace):
    pipeline = Pipeline.objects.create(workspace=workspace, name="typed", draft=typed_graph(),
                                       created_by=users["alice"], updated_by=users["alice"])
    client = as_user("bob")

    def upload(text: str, **fields):
        return client.post(f"/api/workspaces/{workspace.pk}/datasets/import",
                           {"file": SimpleUploadedFile("t.csv", text.encode()), **fields}, format="multipart")

    resp = upload('question,n,meta,tags\nhi,4.5,,"[""a""]"\n', pipeline=str(pipeline.pk))
    assert resp.status_code == 201, resp.content
    assert resp.json()["rows"][0]["inputs"] == {"question": "hi", "n": 4.5, "tags": ["a"]}

    resp = upload('question,n,meta,tags\nhi,1,{},[]\nho,2,{},"not, a list"\n', pipeline=str(pipeline.pk))
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert [(e["line"], e["field"]) for e in err["details"]["errors"]] == [(3, "tags")]
    assert "line 3, column 'tags'" in err["message"]
    from builder.models import Workspace

    foreign = Pipeline.objects.create(workspace=Workspace.personal_of(users["charlie"]), name="theirs",
                                      draft=typed_graph())
    resp = upload("question\nhi\n", pipeline=str(foreign.pk))
    assert resp.status_code == 400 and resp.json()["error"]["details"]["errors"][0]["field"] == "pipeline"
    from experiments.models import Dataset

    assert Dataset.objects.count() == 1
