from __future__ import annotations

import copy

import pytest

from builder.graph import topological_order, validate
from builder.graph_types import Edge, MapSpec, RetrySpec

from .graph_docs import doc, edge, map_reduce, node


def errors_of(document, **kwargs):
    plan, errors = validate(document, **kwargs)
    assert (plan is None) == bool(errors)
    return [(e.code, e.node, e.edge, e.field) for e in errors]


def codes(document, **kwargs):
    return {e[0] for e in errors_of(document, **kwargs)}


def test_a_valid_pipeline_becomes_a_plan_in_topological_order():
    plan, errors = validate(map_reduce())
    assert errors == []
    assert plan.order == ["in", "split", "tpl", "llm", "join", "final_tpl", "final", "out"]
    assert plan.nodes["tpl"].map == MapSpec(port="chunk", concurrency=4)
    assert [p.name for p in plan.nodes["tpl"].inputs] == ["chunk"]
    assert plan.nodes["final"].retry == RetrySpec(attempts=3, backoff_s=1.0)
    assert plan.nodes["final"].timeout_s == 30
    assert plan.nodes["final"].config.model == "fake-large"
    assert plan.incoming["llm"] == [Edge("e3", "tpl", "text", "llm", "prompt")]
    assert [e.id for e in plan.outgoing["in"]] == ["e1"]
    assert plan.run_inputs() == [("transcript", "text", True)]
    assert plan.run_outputs() == {"summary": "out"}


def test_the_order_breaks_ties_by_node_id():
    document = doc([node("c", "text.constant"), node("b", "text.constant"), node("a", "text.constant"),
                    node("z", "text.join")],
                   [edge("e1", "c", "text", "z", "texts"), edge("e2", "a", "text", "z", "texts")])
    plan, errors = validate(document)
    assert errors == [] and plan.order == ["a", "b", "c", "z"]
    assert [e.id for e in plan.incoming["z"]] == ["e1", "e2"]  # document order, not id order


def test_kahn_leaves_out_nodes_on_a_cycle():
    edges = [Edge("1", "a", "o", "b", "i"), Edge("2", "b", "o", "a", "i"), Edge("3", "x", "o", "a", "i")]
    assert topological_order(["a", "b", "x"], edges) == ["x"]


@pytest.mark.parametrize("document", [None, [], "graph", 3, {"schema": 2, "nodes": [], "edges": []},
                                      {"schema": True, "nodes": [], "edges": []}, {"schema": 1, "nodes": {}},
                                      {"schema": 1, "nodes": [], "edges": None}])
def test_a_malformed_document_is_a_schema_error(document):
    assert "schema" in codes(document)


def test_a_node_that_is_not_an_object_or_lacks_an_id_is_a_schema_error():
    document = doc([7, {"type": "text.constant"}, {"id": 5, "type": "text.constant"}], [])
    assert errors_of(document) == [("schema", None, None, "nodes[0]"), ("schema", None, None, "nodes[1].id"),
                                   ("schema", None, None, "nodes[2].id")]


def test_a_nan_anywhere_is_a_schema_error():
    assert codes(doc([node("a", "llm.chat", {"temperature": float("nan")})], [])) == {"schema"}


def test_duplicate_node_and_edge_ids_are_reported_but_a_node_may_share_an_edge_id():
    document = doc([node("a", "text.constant"), node("a", "text.constant"), node("j", "text.join")],
                   [edge("a", "a", "text", "j", "texts"), edge("a", "a", "text", "j", "texts")])
    assert errors_of(document) == [("duplicate_id", "a", None, "id"), ("duplicate_id", None, "a", "id")]


def test_an_unknown_type_or_version_is_reported_on_its_field():
    document = doc([node("a", "nope"), node("b", "text.constant", version=9), node("c", "text.constant", version=1)],
                   [])
    assert errors_of(document) == [("unknown_type", "a", None, "type"), ("unknown_type", "b", None, "version")]


def test_config_errors_are_keyed_by_node_and_dotted_field():
    document = doc([node("s", "text.split", {"chunk_size": 10, "chunk_overlap": 10}),
                    node("r", "router", {"branches": [{"name": "x", "op": "regex", "value": "("}]}),
                    node("c", "text.constant", {"text": 5, "colour": "red"}),
                    node("bad", "text.constant", config=[1])], [])
    assert errors_of(document) == [("config", "s", None, "chunk_overlap"), ("config", "r", None, "branches.0.value"),
                                   ("config", "c", None, "text"), ("config", "c", None, "colour"),
                                   ("schema", "bad", None, "config")]


def test_map_errors_name_the_port_or_the_concurrency():
    document = doc([node("t", "text.constant", map={"port": "nope"}),
                    node("j", "text.join", map={"port": "texts"}),
                    node("s", "text.split", map={"port": "text", "concurrency": 65}),
                    node("x", "text.constant", map="text")], [])
    assert errors_of(document) == [("map", "t", None, "map.port"), ("map", "j", None, "map.port"),
                                   ("map", "s", None, "map.concurrency"), ("map", "x", None, "map"),
                                   ("missing_input", "j", None, "texts"), ("missing_input", "s", None, "text")]


def test_bad_timeout_retry_and_position_are_schema_errors():
    document = doc([node("a", "text.constant", timeout_s=0, retry={"attempts": 11}, position={"x": "left"})], [])
    assert errors_of(document) == [("schema", "a", None, "timeout_s"), ("schema", "a", None, "retry"),
                                   ("schema", "a", None, "position")]


def test_dangling_edges_name_the_missing_node_or_port():
    document = doc([node("c", "text.constant"), node("o", "output")],
                   [edge("to_nowhere", "c", "text", "ghost", "value"),
                    edge("from_nowhere", "ghost", "text", "o", "value"),
                    edge("bad_out", "c", "txt", "o", "value"),
                    edge("bad_in", "c", "text", "o", "val")])
    assert errors_of(document) == [
        ("dangling_edge", None, "to_nowhere", "target"), ("dangling_edge", None, "from_nowhere", "source"),
        ("dangling_edge", "c", "bad_out", "source_port"), ("duplicate_edge", "o", "bad_out", "target_port"),
        ("dangling_edge", "o", "bad_in", "target_port")]


def test_an_edge_with_non_string_ends_is_a_schema_error():
    document = doc([node("c", "text.constant")], [{"id": "e", "source": 1, "source_port": None, "target": "c"}])
    assert [e[3] for e in errors_of(document)] == ["source", "source_port", "target_port"]


def test_edges_to_ports_of_a_config_dependent_node_follow_its_config():
    router = node("r", "router", {"branches": [{"name": "billing", "value": "invoice"}]})
    document = doc([node("in", "input", {"name": "q"}), router, node("o1", "output", {"name": "a"}),
                    node("o2", "output", {"name": "b"})],
                   [edge("e1", "in", "value", "r", "value"), edge("e2", "r", "billing", "o1", "value"),
                    edge("e3", "r", "default", "o2", "value")])
    assert errors_of(document) == []
    router["config"]["branches"][0]["name"] = "sales"
    assert errors_of(document) == [("dangling_edge", "r", "e2", "source_port")]


def test_type_mismatches_are_reported_on_the_edge():
    document = doc([node("s", "text.split"), node("in", "input", {"name": "q"}), node("l", "llm.chat"),
                    node("l2", "llm.chat")],
                   [edge("list_into_text", "s", "chunks", "l", "prompt"),
                    edge("text_into_text", "in", "value", "s", "text"),
                    edge("usage_into_messages", "l", "usage", "l2", "messages")])
    assert errors_of(document) == [("type_mismatch", "l", "list_into_text", "target_port"),
                                   ("type_mismatch", "l2", "usage_into_messages", "target_port")]


def test_a_mapped_port_needs_a_list_and_a_mapped_node_outputs_lists():
    document = doc([node("in", "input", {"name": "q"}), node("l", "llm.chat", map={"port": "prompt"}),
                    node("o", "output"), node("s", "text.split")],
                   [edge("text_into_map", "in", "value", "l", "prompt"),
                    edge("list_into_text", "l", "text", "s", "text"),
                    edge("ok", "l", "text", "o", "value")])
    assert errors_of(document) == [("type_mismatch", "l", "text_into_map", "target_port"),
                                   ("type_mismatch", "s", "list_into_text", "target_port")]


def test_a_many_port_takes_items_and_lists_from_several_edges():
    document = doc([node("a", "text.constant"), node("s", "text.split"), node("j", "text.join"),
                    node("l", "llm.chat"), node("in", "input", {"name": "q"})],
                   [edge("e1", "a", "text", "j", "texts"), edge("e2", "s", "chunks", "j", "texts"),
                    edge("e3", "a", "text", "s", "text"), edge("bad", "l", "usage", "j", "texts"),
                    edge("e5", "in", "value", "l", "prompt")])
    assert errors_of(document) == [("type_mismatch", "j", "bad", "target_port")]


def test_a_second_edge_into_a_single_input_is_a_duplicate_edge():
    document = doc([node("a", "text.constant"), node("b", "text.constant"), node("o", "output")],
                   [edge("e1", "a", "text", "o", "value"), edge("e2", "b", "text", "o", "value")])
    assert errors_of(document) == [("duplicate_edge", "o", "e2", "target_port")]


def test_required_inputs_without_an_edge_are_missing_but_optional_ones_are_not():
    document = doc([node("in", "input", {"name": "q"}), node("t", "prompt.template", {"template": "{{ a }}{{ b }}"}),
                    node("l", "llm.chat"), node("m", "merge")],
                   [edge("e1", "in", "value", "t", "b")])
    assert errors_of(document) == [("missing_input", "t", None, "a")]


def test_each_node_on_a_cycle_is_reported_but_not_its_downstream():
    document = doc([node("a", "prompt.template", {"template": "{{ x }}"}),
                    node("b", "prompt.template", {"template": "{{ x }}"}),
                    node("self", "prompt.template", {"template": "{{ x }}"}),
                    node("after", "output")],
                   [edge("e1", "a", "text", "b", "x"), edge("e2", "b", "text", "a", "x"),
                    edge("e3", "self", "text", "self", "x"), edge("e4", "b", "text", "after", "value")])
    assert errors_of(document) == [("cycle", "a", None, None), ("cycle", "b", None, None),
                                   ("cycle", "self", None, None)]


def test_size_limits_are_limit_errors():
    assert codes(doc([node(f"n{i}", "text.constant") for i in range(6)], []), max_nodes=5) == {"limit"}
    assert codes(doc([node("a", "text.constant", {"text": "x" * 2000})], []), max_bytes=1000) == {"limit"}
    assert errors_of(doc([node("a", "text.constant", label="L" * 201)], [])) == [("limit", "a", None, "label")]
    assert errors_of(doc([node("a" * 201, "text.constant")], [])) == [("limit", "a" * 201, None, "id")]


def test_the_byte_limit_counts_compact_json():
    document = doc([node("a", "text.constant", {"text": "é" * 100})], [])
    import json

    size = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())
    assert codes(document, max_bytes=size) == set()
    assert codes(document, max_bytes=size - 1) == {"limit"}


def test_duplicate_run_input_and_output_names_are_reported_on_every_node():
    document = doc([node("i1", "input", {"name": "q"}), node("i2", "input", {"name": "q"}),
                    node("o1", "output", {"name": "r"}), node("o2", "output", {"name": "r"})],
                   [edge("e1", "i1", "value", "o1", "value"), edge("e2", "i2", "value", "o2", "value")])
    assert errors_of(document) == [("duplicate_name", "i1", None, "name"), ("duplicate_name", "i2", None, "name"),
                                   ("duplicate_name", "o1", None, "name"), ("duplicate_name", "o2", None, "name")]


def test_every_error_is_reported_at_once():
    document = map_reduce()
    broken = copy.deepcopy(document)
    broken["nodes"][1]["config"]["chunk_overlap"] = 5000           # config
    broken["nodes"].append(node("mystery", "vector.magic"))         # unknown_type
    broken["nodes"].append(node("in", "input", {"name": "x"}))      # duplicate_id
    broken["edges"].append(edge("e1", "in", "value", "out", "value"))  # duplicate_id
    broken["edges"].append(edge("ghost", "nobody", "text", "join", "texts"))  # dangling_edge
    broken["edges"].append(edge("loop", "final", "text", "final_tpl", "parts"))  # duplicate_edge + cycle
    broken["nodes"].append(node("lonely", "output", {"name": "other"}))  # missing_input
    plan, errors = validate(broken)
    assert plan is None
    assert {e.code for e in errors} == {"config", "unknown_type", "duplicate_id", "dangling_edge", "duplicate_edge",
                                        "cycle", "missing_input"}
    assert {e.node for e in errors if e.code == "cycle"} == {"final", "final_tpl"}
    assert all(e.node or e.edge or e.field for e in errors)
