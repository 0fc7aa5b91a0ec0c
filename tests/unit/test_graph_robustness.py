"""validate never raises, whatever it is fed, and stays fast on large graphs."""
from __future__ import annotations

import copy
import math
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import graph
from builder.graph_types import GraphError, Plan
from builder.nodes.catalog import registry

from .graph_docs import chain, map_reduce

KEYS = ["schema", "nodes", "edges", "id", "type", "version", "label", "config", "position", "map", "timeout_s",
        "retry", "source", "source_port", "target", "target_port", "port", "concurrency", "template", "name",
        "branches", "chunk_size", "chunk_overlap", "attempts", "x", "y", "text", "value", "prompt"]
TYPES = [t.type for t in registry.latest()]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(KEYS + TYPES + ["in", "split", "tpl", "llm", "join", "out", "e1", "e3", "{{ x }}", "{{"]),
)
json_trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=6),
                               st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children,
                                               max_size=6)),
    max_leaves=40,
)


def _unguarded(doc):
    """The inner validator, without validate's last-resort guard: a crash here is a real bug."""
    return graph._validate(doc, registry, graph.MAX_NODES, graph.MAX_BYTES)


def _check(result):
    plan, errors = result
    assert isinstance(errors, list) and all(isinstance(e, GraphError) for e in errors)
    assert (plan is None) != (errors == [])
    if plan is not None:
        assert isinstance(plan, Plan) and sorted(plan.order) == sorted(plan.nodes)
    for e in errors:
        e.as_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_trees)
def test_validate_never_raises_on_random_json(tree):
    _check(_unguarded(tree))
    _check(_unguarded({"schema": 1, "nodes": tree, "edges": tree}))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


BASE = map_reduce()
BASE_PATHS = [p for p in _paths(BASE) if p]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(BASE_PATHS), st.one_of(json_trees, st.just("<delete>"))), min_size=1,
                max_size=4))
def test_validate_never_raises_on_mutated_valid_documents(mutations):
    document = copy.deepcopy(BASE)
    for path, value in mutations:
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value == "<delete>":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    _check(_unguarded(document))


def test_validate_never_raises_on_values_json_cannot_hold():
    odd = [{1, 2}, object(), b"bytes", float("nan"), math.inf, {"k": {1: 2}}, {"schema": 1, "nodes": [()],
                                                                                "edges": []}]
    for value in odd:
        _check(graph.validate(value))
        _check(graph.validate({"schema": 1, "nodes": [{"id": "a", "type": "text.constant", "config": value}],
                               "edges": []}))
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    _check(graph.validate({"schema": 1, "nodes": deep, "edges": []}))


def test_validate_rejects_huge_strings_by_size_without_work():
    plan, errors = graph.validate({"schema": 1, "nodes": [{"id": "x" * (6 * 1024 * 1024)}], "edges": []})
    assert plan is None and [e.code for e in errors] == ["limit"]


def test_a_two_thousand_node_graph_validates_quickly():
    document = chain(2000)
    graph.validate(document)  # warm the template cache, as a long-running server would be
    started = time.perf_counter()
    plan, errors = graph.validate(document)
    elapsed = time.perf_counter() - started
    assert errors == [] and len(plan.order) == 2000
    assert plan.order[0] == "n0000" and plan.order[-1] == "n1999"
    assert elapsed < 2.0, f"validating 2,000 nodes took {elapsed:.3f}s"  # a smoke bound; typical is ~25 ms
