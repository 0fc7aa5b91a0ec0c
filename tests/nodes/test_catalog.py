"""The catalog: every node type once, each in the module its type id names, typed by its own
config model, its settings published with the hints the canvas reads."""
from __future__ import annotations

import inspect
import json
import typing

import pytest

from builder.nodes.base import TRAITS, Node
from builder.nodes.catalog import registry

NODES = registry.latest()


def test_the_catalog_registers_every_node_type_once():
    assert {n.type for n in NODES} == {
        "input", "output", "text.constant", "prompt.template", "llm.chat", "text.split", "text.join",
        "router", "router.classify", "merge", "json.extract", "embed", "vector.upsert", "vector.query", "vector.delete",
        "http.request", "output.parse", "filter", "document.load", "memory.load", "memory.save"}
    entries = registry.describe()
    assert all(entry["config_schema"] for entry in entries)
    json.dumps(entries)  # served as-is by GET /api/node-types


@pytest.mark.parametrize("spec", NODES, ids=lambda n: n.type)
def test_a_node_lives_in_the_module_its_type_names(spec):
    family, _, name = spec.type.partition(".")
    assert type(spec).__module__ == f"builder.nodes.{family}.{name or family}"


@pytest.mark.parametrize("spec", NODES, ids=lambda n: n.type)
def test_a_node_is_generic_over_its_config_model_and_runs_with_it(spec):
    cls = type(spec)
    declared = getattr(cls, "__orig_bases__", ())
    assert Node[spec.Config] in declared, f"declare class {cls.__name__}(Node[{spec.Config.__name__}])"
    for method in ("run", "input_ports", "output_ports", "run_input", "run_output"):
        if getattr(cls, method) is getattr(Node, method):
            continue  # not overridden: the base class's config is C
        hints = typing.get_type_hints(getattr(cls, method), vars(inspect.getmodule(cls)))
        assert hints["config"] is spec.Config, f"{cls.__name__}.{method} takes config: {hints['config']}"


def schema_fields(schema: dict) -> list[tuple[str, dict]]:
    """(name, schema) of every property, nested models ($defs) included."""
    found = list(schema.get("properties", {}).items())
    for model in schema.get("$defs", {}).values():
        found += list(model.get("properties", {}).items())
    return found


@pytest.mark.parametrize("spec", NODES, ids=lambda n: n.type)
def test_credential_provider_and_model_fields_say_what_they_are(spec):
    for name, field in schema_fields(spec.Config.model_json_schema()):
        if name.endswith("credential"):
            assert field.get("x-widget") == "credential", f"{spec.type}.{name}"
        if name == "provider" and "enum" not in field and "const" not in field:
            assert field.get("x-widget") == "provider" and field.get("x-providers") in ("chat", "embeddings")
        if name == "model":
            assert field.get("x-widget") == "model" or spec.type == "filter"  # moderation: one fixed model


def test_the_widget_hints_name_the_providers_and_credentials_that_fit():
    def props(type_id: str) -> dict:
        return registry.get(type_id).describe()["config_schema"]["properties"]

    assert props("llm.chat")["provider"]["x-providers"] == "chat"
    assert props("llm.chat")["model"]["x-models"] == "chat"
    assert props("embed")["provider"]["x-providers"] == "embeddings"
    assert props("embed")["model"]["x-models"] == "embeddings"
    assert "x-credential-provider" not in props("llm.chat")["credential"]  # the provider chosen beside it
    assert props("http.request")["auth_credential"]["x-credential-provider"] == "http"
    moderation = registry.get("filter").describe()["config_schema"]["$defs"]["ModerationConfig"]["properties"]
    assert moderation["credential"]["x-credential-provider"] == "openai"
    assert props("prompt.template")["template"]["x-widget"] == "template"


def test_traits_tell_which_nodes_stream_their_text_and_which_keep_memory():
    by_trait = {trait: sorted(n.type for n in NODES if trait in n.describe()["traits"]) for trait in TRAITS}
    assert by_trait == {"streams_text": ["llm.chat"], "memory": ["memory.load", "memory.save"]}


def test_an_unknown_trait_is_refused_when_the_node_is_declared():
    with pytest.raises(TypeError, match="unknown traits"):
        type("Typo", (Node,), {"traits": frozenset({"streams"})})
