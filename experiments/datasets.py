"""Datasets: parse CSV / JSONL uploads and pasted rows, check every limit and every row first,
then write the dataset and its rows in one transaction (or nothing at all)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from experiments.models import Dataset, DatasetRow
from fomo import jsonsafe
from fomo.errors import DomainError

MAX_ROWS = 5_000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 100
MAX_CELL_CHARS = 100_000
MAX_REPORTED_ERRORS = 50


class InvalidDataset(DomainError):
    code = "invalid_dataset"


@dataclass
class ParsedRow:
    inputs: dict[str, Any]
    expected: str | None


def _fail(message: str, errors: list[dict[str, Any]]) -> InvalidDataset:
    shown = errors[:MAX_REPORTED_ERRORS]
    details: dict[str, Any] = {"errors": shown}
    if len(errors) > len(shown):
        details["more_errors"] = len(errors) - len(shown)
    first = shown[0] if shown else None
    if first is not None:
        where = f"line {first['line']}" if "line" in first else f"row {first.get('row')}"
        message = f"{message} ({where}{', column ' + repr(first['field']) if first.get('field') else ''}: " \
                  f"{first['message']})"
    return InvalidDataset(message, details=details)


def _cell_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    return len(json.dumps(value, ensure_ascii=False, default=str))


def _expected_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def check_rows(rows: list[ParsedRow], where: str = "line", first_line: int = 1) -> list[dict[str, Any]]:
    """Limits on the parsed rows: row count, column count, cell size. Errors name the line (or row)."""
    errors: list[dict[str, Any]] = []
    if len(rows) > MAX_ROWS:
        errors.append({where: first_line + MAX_ROWS, "message": f"the dataset has {len(rows):,} rows; the limit "
                                                               f"is {MAX_ROWS:,}"})
        return errors
    if not rows:
        errors.append({where: first_line, "message": "the dataset has no rows"})
    for i, row in enumerate(rows):
        if len(row.inputs) > MAX_COLUMNS:
            errors.append({where: first_line + i, "message": f"{len(row.inputs)} columns; the limit is {MAX_COLUMNS}"})
        for name, value in row.inputs.items():
            if not isinstance(name, str) or not name.strip() or len(name) > 200:
                errors.append({where: first_line + i, "field": str(name)[:200],
                               "message": "a column name must be 1 to 200 characters"})
            elif _cell_size(value) > MAX_CELL_CHARS:
                errors.append({where: first_line + i, "field": name,
                               "message": f"the value has more than {MAX_CELL_CHARS:,} characters"})
        if row.expected is not None and len(row.expected) > MAX_CELL_CHARS:
            errors.append({where: first_line + i, "field": "expected",
                           "message": f"the expected output has more than {MAX_CELL_CHARS:,} characters"})
    columns = columns_of(rows)
    if len(columns) > MAX_COLUMNS:
        errors.append({where: first_line, "message": f"the rows use {len(columns)} columns; the limit is "
                                                     f"{MAX_COLUMNS}"})
    return errors


def columns_of(rows: list[ParsedRow]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for name in row.inputs:
            seen.setdefault(name, None)
    return list(seen)


# ------------------------------------------------------------------ files


def parse_file(filename: str, data: bytes, expected_column: str | None, plan: Any = None) -> list[ParsedRow]:
    """Rows of a .csv or .jsonl upload; raises :class:`InvalidDataset` listing every bad line.
    With a pipeline's ``plan``, each value of a column named like one of its inputs is read as
    that input's declared type (CSV text → numbers, booleans, JSON); errors name line and column."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidDataset(f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                             details={"errors": [{"line": 0, "message": "file too large"}]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail("the file is not UTF-8 text", [{"line": line, "message": "not valid UTF-8"}]) from None
    if "\x00" in text:  # valid UTF-8, but no database column takes it back (PostgreSQL refuses it)
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _fail("the file cannot be imported", [{"line": line, "message": jsonsafe.text_problem("\x00")}])
    lower = filename.lower()
    if lower.endswith(".csv"):
        rows, errors, lines = _parse_csv(text, expected_column)
    elif lower.endswith(".jsonl") or lower.endswith(".ndjson"):
        rows, errors, lines = _parse_jsonl(text, expected_column)
    else:
        raise InvalidDataset("upload a .csv or .jsonl file", details={"errors": [
            {"line": 0, "field": "file", "message": "unsupported file type"}]})
    if not errors:
        errors = _renumber(check_rows(rows), lines)
    if not errors and plan is not None:
        errors = _typed(rows, lines, plan)
    if errors:
        raise _fail("the file cannot be imported", errors)
    return rows


def _typed(rows: list[ParsedRow], lines: list[int], plan: Any) -> list[dict[str, Any]]:
    from experiments.variants import typed_inputs

    errors: list[dict[str, Any]] = []
    for row, line in zip(rows, lines, strict=True):
        typed, problems = typed_inputs(plan, row.inputs)
        if problems:
            errors += [{"line": line, **p} for p in problems]
        else:
            row.inputs = typed  # a blank cell of a typed input is left out: not given
    return errors


def _renumber(errors: list[dict[str, Any]], lines: list[int]) -> list[dict[str, Any]]:
    """check_rows counts rows from 1; map them to the file's line numbers."""
    for e in errors:
        i = e["line"] - 1
        e["line"] = lines[i] if 0 <= i < len(lines) else (lines[-1] + 1 if lines else 1)
    return errors


def _parse_csv(text: str, expected_column: str | None,
               ) -> tuple[list[ParsedRow], list[dict[str, Any]], list[int]]:
    errors: list[dict[str, Any]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    csv.field_size_limit(MAX_CELL_CHARS * 4 + 1)
    try:
        header = next(reader)
    except StopIteration:
        return [], [{"line": 1, "message": "the file is empty"}], []
    except csv.Error as exc:
        return [], [{"line": 1, "message": f"the header cannot be read: {exc}"}], []
    header = [h.strip() for h in header]
    for i, name in enumerate(header):
        if not name:
            errors.append({"line": 1, "field": f"#{i + 1}", "message": "a column has no name"})
        elif header.index(name) != i:
            errors.append({"line": 1, "field": name, "message": "the column name repeats"})
    if len(header) > MAX_COLUMNS + 1:
        errors.append({"line": 1, "message": f"{len(header)} columns; the limit is {MAX_COLUMNS}"})
    if expected_column and expected_column not in header:
        errors.append({"line": 1, "field": expected_column, "message": "the expected column is not in the header"})
    if errors:
        return [], errors, []
    exp_col = expected_column or ("expected" if "expected" in header else None)
    rows: list[ParsedRow] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append({"line": start, "message": f"the line cannot be read: {exc}"})
            break
        if not record or all(not c.strip() for c in record) and len(record) <= 1:
            continue  # blank line
        if len(rows) >= MAX_ROWS:
            errors.append({"line": start, "message": f"more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"})
            break
        if len(record) != len(header):
            errors.append({"line": start, "message": f"{len(record)} fields; the header has {len(header)}"})
            continue
        inputs: dict[str, Any] = {}
        expected = None
        for name, value in zip(header, record, strict=True):
            if len(value) > MAX_CELL_CHARS:
                errors.append({"line": start, "field": name,
                               "message": f"the value has more than {MAX_CELL_CHARS:,} characters"})
            if name == exp_col:
                expected = value
            else:
                inputs[name] = value
        rows.append(ParsedRow(inputs, expected))
        lines.append(start)
    if not rows and not errors:
        errors.append({"line": 2, "message": "the file has a header but no rows"})
    return rows, errors, lines


def _parse_jsonl(text: str, expected_column: str | None) -> tuple[list[ParsedRow], list[dict[str, Any]], list[int]]:
    errors: list[dict[str, Any]] = []
    rows: list[ParsedRow] = []
    lines: list[int] = []
    exp_key = expected_column or "expected"
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if len(rows) >= MAX_ROWS:
            errors.append({"line": number, "message": f"more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"})
            break
        try:
            obj = jsonsafe.loads(raw)
        except jsonsafe.UnsafeJSON as exc:
            errors.append({"line": number, **({"field": exc.field} if exc.field else {}), "message": exc.message})
            continue
        except ValueError as exc:
            errors.append({"line": number, "message": f"not JSON: {exc}"})
            continue
        if not isinstance(obj, dict):
            errors.append({"line": number, "message": "each line must be a JSON object"})
            continue
        if "inputs" in obj and set(obj) <= {"inputs", exp_key}:
            inputs = obj["inputs"]
            if not isinstance(inputs, dict):
                errors.append({"line": number, "field": "inputs", "message": "inputs must be an object"})
                continue
            expected = obj.get(exp_key)
        else:
            inputs = {k: v for k, v in obj.items() if k != exp_key}
            expected = obj.get(exp_key)
        rows.append(ParsedRow(dict(inputs), _expected_text(expected)))
        lines.append(number)
    if not rows and not errors:
        errors.append({"line": 1, "message": "the file has no rows"})
    return rows, errors, lines


# ------------------------------------------------------------------ pasted rows


def parse_pasted(raw: Any) -> list[ParsedRow]:
    """``[{"inputs": {...}, "expected"?: str|null}]`` from a request body; errors name the row (0-based)."""
    if not isinstance(raw, list):
        raise InvalidDataset("rows must be a list", details={"errors": [{"row": None, "message": "not a list"}]})
    rows: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("inputs"), dict):
            errors.append({"row": i, "field": "inputs", "message": "each row must be {\"inputs\": {...}}"})
            continue
        unknown = sorted(set(item) - {"inputs", "expected"})
        if unknown:
            errors.append({"row": i, "field": unknown[0], "message": "unknown field"})
            continue
        rows.append(ParsedRow(dict(item["inputs"]), _expected_text(item.get("expected"))))
    if errors:
        raise _fail("the rows cannot be saved", errors)
    errors = check_rows(rows, where="row", first_line=0) if rows else []
    if errors:
        raise _fail("the rows cannot be saved", errors)
    return rows


# ------------------------------------------------------------------ writing


@transaction.atomic
def create_dataset(workspace_id: int, user: Any, name: str, description: str, rows: list[ParsedRow]) -> Dataset:
    now = timezone.now()
    dataset = Dataset.objects.create(workspace_id=workspace_id, name=name, description=description,
                                     columns=columns_of(rows), created_by=user, created_at=now, updated_at=now)
    DatasetRow.objects.bulk_create([DatasetRow(dataset=dataset, position=i, inputs=r.inputs, expected=r.expected)
                                    for i, r in enumerate(rows)], batch_size=500)
    return dataset


@transaction.atomic
def append_rows(dataset: Dataset, rows: list[ParsedRow]) -> list[DatasetRow]:
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()
    count = dataset.rows.count()
    if count + len(rows) > MAX_ROWS:
        raise InvalidDataset(f"the dataset would have {count + len(rows):,} rows; the limit is {MAX_ROWS:,}")
    start = (dataset.rows.aggregate(m=Max("position"))["m"] or -1) + 1
    made = DatasetRow.objects.bulk_create([DatasetRow(dataset=dataset, position=start + i, inputs=r.inputs,
                                                      expected=r.expected) for i, r in enumerate(rows)])
    _refresh_columns(dataset, rows)
    return made


def _refresh_columns(dataset: Dataset, rows: list[ParsedRow]) -> None:
    columns = list(dataset.columns or [])
    for name in columns_of(rows):
        if name not in columns:
            columns.append(name)
    if len(columns) > MAX_COLUMNS:
        raise InvalidDataset(f"the dataset would have {len(columns)} columns; the limit is {MAX_COLUMNS}")
    dataset.columns = columns
    dataset.updated_at = timezone.now()
    dataset.save(update_fields=["columns", "updated_at"])


@transaction.atomic
def edit_row(row: DatasetRow, inputs: dict[str, Any] | None, expected: Any, expected_given: bool) -> DatasetRow:
    new = ParsedRow(dict(inputs) if inputs is not None else dict(row.inputs),
                    _expected_text(expected) if expected_given else row.expected)
    errors = check_rows([new], where="row", first_line=row.position)
    if errors:
        raise _fail("the row cannot be saved", errors)
    row.inputs, row.expected = new.inputs, new.expected
    row.save(update_fields=["inputs", "expected"])
    _refresh_columns(row.dataset, [new])
    return row


def rows_from_runs(workspace_id: int, run_ids: list[int], with_outputs: bool) -> list[ParsedRow]:
    from runs.models import Run

    found = {r.pk: r for r in Run.objects.filter(pk__in=run_ids, pipeline__workspace_id=workspace_id)
             .only("pk", "inputs", "outputs")}
    missing = [i for i in run_ids if i not in found]
    if missing:
        raise InvalidDataset(f"run {missing[0]} is not in this workspace",
                             details={"errors": [{"row": run_ids.index(m), "field": "run_ids",
                                                  "message": f"run {m} not found"} for m in missing]})
    rows = []
    for rid in run_ids:
        run = found[rid]
        expected = None
        if with_outputs and isinstance(run.outputs, dict) and len(run.outputs) == 1:
            expected = _expected_text(next(iter(run.outputs.values())))
        rows.append(ParsedRow(dict(run.inputs or {}), expected))
    errors = check_rows(rows, where="row", first_line=0)
    if errors:
        raise _fail("the runs cannot be saved as a dataset", errors)
    return rows
