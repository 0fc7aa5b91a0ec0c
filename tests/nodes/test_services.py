"""The host seam: what a node may ask of its host is declared on ``Services``, and a host that
lacks a capability makes the node fail with an error naming the host and what it lacks."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.nodes.base import NodeError
from builder.nodes.services import NoServices
from tests.nodes.kit import FakeContext, run_node

ROOT = Path(__file__).resolve().parents[2]


class BareHost(NoServices):
    """A host that lends nothing at all."""


@pytest.mark.parametrize("type_id, config, inputs, lacks, field", [
    ("llm.chat", {}, {"prompt": "hi"}, "chat models", None),
    ("embed", {"provider": "fake"}, {"text": "hi"}, "embedding models", None),
    ("filter", {"moderation": {}}, {"text": "hi"}, "moderation model", "moderation"),
    ("http.request", {"url": "https://api.example.com/v1", "auth_credential": "3"}, {},
     "stored credentials for HTTP requests", "auth_credential"),
    ("vector.query", {"collection": "docs"}, {"embedding": [0.1, 0.2]}, "vector store", None),
    ("memory.load", {}, {"session": "s"}, "conversation memory", None),
    ("memory.save", {}, {"session": "s", "user": "a", "assistant": "b"}, "conversation memory", None),
    ("document.load", {"document": 7}, {}, "document store", "document"),
])
def test_a_capability_the_host_lacks_fails_the_node_naming_host_and_capability(type_id, config, inputs, lacks,
                                                                                field):
    with pytest.raises(NodeError) as caught:
        run_node(type_id, config, inputs, FakeContext(services=BareHost()))
    assert caught.value.kind == "internal" and not caught.value.retryable
    assert caught.value.message == f"this host (BareHost) has no {lacks}"
    assert caught.value.field == field


def test_a_host_without_a_network_policy_reaches_public_addresses_only():
    with pytest.raises(NodeError) as caught:
        run_node("http.request", {"url": "http://127.0.0.1:9/"}, {}, FakeContext(services=BareHost()))
    assert caught.value.kind == "blocked"


def test_neither_nodes_nor_the_engine_reach_the_host_by_a_name_in_a_string():
    by_string = re.compile(r"getattr\(\s*(?:self\.|ctx\.)?services\b")
    sources = [*(ROOT / "builder/nodes").rglob("*.py"), *(ROOT / "runs/engine").rglob("*.py"),
               ROOT / "runs/services.py"]
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted(sources)
                 for n, line in enumerate(path.read_text().splitlines(), 1) if by_string.search(line)]
    assert len(sources) > 40 and offenders == []
