"""Variants: node-config overrides applied to a copy of a graph, and the checks that every
variant's graph is valid and every dataset row fits its inputs, before anything is created.

Plain Python over graph documents; no Django."""
from __future__ import annotations

import copy
from typing import Any

from builder.graph import validate, validate_inputs
from builder.graph_types import Plan
from builder.nodes.support import port_values
from fomo import jsonsafe

MAX_VARIANTS = 10
MIN_VARIANTS = 2
MAX_OVERRIDES = 50


class VariantError(ValueError):
    def __init__(self, message: str, errors: list[dict[str, Any]]):
        super().__init__(message)
        self.message = message
        self.errors = errors


def apply_overrides(graph: dict[str, Any], overrides: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``graph`` with each ``{node, field, value}`` written into that node's config."""
    doc = copy.deepcopy(graph)
    by_id = {n.get("id"): n for n in doc.get("nodes", []) if isinstance(n, dict)}
    for o in overrides:
        node = by_id[o["node"]]
        config = node.get("config")
        if not isinstance(config, dict):
            config = node["config"] = {}
        config[o["field"]] = copy.deepcopy(o["value"])
    return doc


def check_variants(raw: Any, graph: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]], dict[str, Any], Plan]]:
    """``[(name, overrides, graph, plan)]`` for every variant, or :class:`VariantError` listing
    every problem, each naming the variant (and node, field)."""
    if not isinstance(raw, list) or not (MIN_VARIANTS <= len(raw) <= MAX_VARIANTS):
        raise VariantError(f"give {MIN_VARIANTS} to {MAX_VARIANTS} variants",
                           [{"variant": None, "field": "variants", "message": "wrong number of variants"}])
    node_ids = {n.get("id") for n in graph.get("nodes", []) if isinstance(n, dict)}
    errors: list[dict[str, Any]] = []
    names: set[str] = set()
    checked: list[tuple[str, list[dict[str, Any]], dict[str, Any], Plan]] = []
    for i, v in enumerate(raw):
        if not isinstance(v, dict) or set(v) - {"name", "overrides"}:
            errors.append({"variant": i, "field": "variants", "message": "a variant is {name, overrides}"})
            continue
        name = v.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            errors.append({"variant": i, "field": "name", "message": "a variant needs a name (1-100 characters)"})
            continue
        name = name.strip()
        if name in names:
            errors.append({"variant": name, "field": "name", "message": "two variants have this name"})
            continue
        names.add(name)
        overrides = v.get("overrides") or []
        if not isinstance(overrides, list) or len(overrides) > MAX_OVERRIDES:
            errors.append({"variant": name, "field": "overrides",
                           "message": f"overrides must be a list of at most {MAX_OVERRIDES}"})
            continue
        bad = False
        seen: set[tuple[str, str]] = set()
        for o in overrides:
            if not isinstance(o, dict) or set(o) != {"node", "field", "value"}:
                errors.append({"variant": name, "field": "overrides",
                               "message": "an override is {node, field, value}"})
                bad = True
                continue
            if o["node"] not in node_ids:
                errors.append({"variant": name, "node": o["node"], "field": o.get("field"),
                               "message": f"the pipeline has no node {str(o['node'])[:100]!r}"})
                bad = True
            elif not isinstance(o["field"], str) or not o["field"] or o["field"] in ("id", "type"):
                errors.append({"variant": name, "node": o["node"], "field": o.get("field"),
                               "message": "field must name one config field of the node"})
                bad = True
            elif (o["node"], o["field"]) in seen:
                errors.append({"variant": name, "node": o["node"], "field": o["field"],
                               "message": "this field is overridden twice"})
                bad = True
            else:
                seen.add((o["node"], o["field"]))
        if bad:
            continue
        doc = apply_overrides(graph, overrides)
        plan, graph_errors = validate(doc)
        if plan is None:
            for e in graph_errors:
                d = e.as_dict()
                errors.append({"variant": name, "node": d.get("node"), "field": d.get("field"),
                               "message": d.get("message")})
            continue
        checked.append((name, [dict(o) for o in overrides], doc, plan))
    if errors:
        first = errors[0]
        where = f"variant {first['variant']!r}" + (f", node {first['node']!r}" if first.get("node") else "") + \
            (f", field {first['field']!r}" if first.get("field") else "")
        raise VariantError(f"{where}: {first['message']}", errors)
    return checked


class _NotTyped(ValueError):
    pass


def coerce_value(port_type: str, value: Any) -> Any:
    """A dataset value as the input's declared type. CSV cells (and table edits) are text: for
    an input that is not ``text``/``any``, a string is read as JSON (``42``, ``true``,
    ``{"a": 1}``, ``[1, 2]``) and must then fit the type; for ``json`` a string that is not JSON
    stays the string. Values that already fit (JSONL, pasted JSON) are left as they are.
    Raises :class:`_NotTyped` with the reason."""
    if not isinstance(value, str) or port_type in ("text", "any"):
        return value
    if port_type == "json":
        try:
            return jsonsafe.loads(value)
        except jsonsafe.UnsafeJSON as exc:
            raise _NotTyped(exc.message) from None
        except ValueError:
            return value
    if port_values.fits(port_type, value):
        return value
    try:
        parsed = jsonsafe.loads(value)
    except jsonsafe.UnsafeJSON as exc:
        raise _NotTyped(exc.message) from None
    except ValueError:
        raise _NotTyped(f"{value[:40]!r} is not JSON; the input needs {port_values.describe(port_type)} "
                        f"(type {port_type})") from None
    if not port_values.fits(port_type, parsed):
        raise _NotTyped(f"the input needs {port_values.describe(port_type)} (type {port_type})")
    return parsed


def typed_inputs(plan: Plan, inputs: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``inputs`` with each value coerced to its input's declared type (see :func:`coerce_value`);
    an empty text cell of a non-text input counts as not given. Errors name the field."""
    if not isinstance(inputs, dict):
        return inputs, []
    declared = {name: port_type for name, port_type, _ in plan.run_inputs()}
    out: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, value in inputs.items():
        port_type = declared.get(name)
        if port_type is None or port_type in ("text", "any"):
            out[name] = value
            continue
        if isinstance(value, str) and not value.strip():
            continue  # a blank cell: the input is not given (its default, or "required" below)
        try:
            out[name] = coerce_value(port_type, value)
        except _NotTyped as exc:
            errors.append({"field": name, "message": str(exc)})
            out[name] = value
    return out, errors


def typed_rows(variants: list[tuple[str, list[dict[str, Any]], dict[str, Any], Plan]],
               rows: list[tuple[int, dict[str, Any]]], limit: int = 50,
               ) -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Every row's inputs typed for, then checked against, every variant's inputs: the typed
    inputs per variant (in row order), and errors naming variant, row (position) and field."""
    errors: list[dict[str, Any]] = []
    typed: list[list[dict[str, Any]]] = []
    for name, _, _, plan in variants:
        mine: list[dict[str, Any]] = []
        for position, inputs in rows:
            value, problems = typed_inputs(plan, inputs)
            mine.append(value)
            found = problems or [{"field": e.as_dict().get("field"), "message": e.as_dict()["message"]}
                                 for e in validate_inputs(plan, value)]
            for p in found:
                if len(errors) < limit:
                    errors.append({"variant": name, "row": position, **p})
        typed.append(mine)
    return typed, errors


def check_rows(variants: list[tuple[str, list[dict[str, Any]], dict[str, Any], Plan]],
               rows: list[tuple[int, dict[str, Any]]], limit: int = 50) -> list[dict[str, Any]]:
    """Every row's inputs against every variant's inputs; errors name variant, row and field."""
    return typed_rows(variants, rows, limit)[1]


def output_names(plan: Plan) -> list[str]:
    return [str(getattr(n.config, "name", "")) for n in plan.nodes.values() if n.type == "output"]
