"""The experiment's results.csv never hands a spreadsheet a formula: every text cell that starts
with =, +, -, @, a tab or a carriage return (OWASP's list, and the full-width forms) is
prefixed with a single quote, and every cell is quoted. Checked on the downloaded file."""
from __future__ import annotations

import csv
import io

import pytest

from experiments import datasets
from experiments.models import Cell, Variant

pytestmark = [pytest.mark.postgres]

HOSTILE = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1", "\uff1d1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.fixture
def dataset(workspace):
    return datasets.create_dataset(workspace.pk, None, "evil", "", [
        datasets.ParsedRow({"question": value}, HOSTILE[-1 - i]) for i, value in enumerate(HOSTILE)])


def test_no_cell_of_the_results_csv_can_start_a_formula(as_user, qa_pipeline, dataset):
    body = {"name": "inject", "dataset": dataset.pk, "variants": [
        {"name": "=cmd|' /C calc'!A0", "overrides": []},
        {"name": "@large", "overrides": [{"node": "llm", "field": "model", "value": "fake-large"}]}]}
    resp = as_user("alice").post(f"/api/pipelines/{qa_pipeline.pk}/experiments", body, format="json")
    assert resp.status_code == 201, resp.content
    exp_id = resp.json()["id"]
    for i, cell in enumerate(Cell.objects.filter(experiment_id=exp_id).order_by("pk")):
        Cell.objects.filter(pk=cell.pk).update(status="succeeded", scored=True, output=HOSTILE[i % len(HOSTILE)])

    download = as_user("vera").get(f"/api/experiments/{exp_id}/results.csv")
    assert download.status_code == 200
    text = download.content.decode()
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert len(table) == 1 + len(HOSTILE)
    cells = [c for row in table for c in row]
    dangerous = [c for c in cells if c.startswith(TRIGGERS)]
    assert dangerous == [], dangerous
    # What was neutralised is still all there, after the quote.
    assert "'=cmd|' /C calc'!A0 output" in table[0] and "'@large status" in table[0]
    assert {row[1] for row in table[1:]} == {"'" + v for v in HOSTILE}  # the input column
    assert {row[2] for row in table[1:]} == {"'" + v for v in HOSTILE}  # expected
    assert {row[3] for row in table[1:]} <= {"'" + v for v in HOSTILE}  # the first variant's output
    # Every field is quoted, so no cell's content can run into the next.
    reader = csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_ALL)
    raw_lines = text.split("\r\n")
    assert all(line.startswith('"') for line in raw_lines if line), raw_lines[:3]
    assert list(reader) == table
    assert Variant.objects.filter(experiment_id=exp_id, name__startswith="=").exists()  # stored as given
