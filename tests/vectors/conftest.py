"""Run graphs with vector nodes on the engine: real catalog, real embedded Chroma in a temp
folder (one client for the session, as in a worker), a fresh workspace id per test."""
from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder.graph import validate, validate_inputs
from builder.nodes.services import NoServices
from builder.providers.registry import make_chat, make_embedder
from builder.vectors import VectorStore, client
from runs.engine import Engine, ListSink, RunOutcome
from tests.nodes.kit import DictMemory

_ids = itertools.count(1000)


class VectorServices(NoServices):
    """What a worker lends nodes, minus credentials: providers by name and one workspace's store."""

    def __init__(self, workspace_id: int, chroma: Any):
        self.workspace_id = workspace_id
        self.chroma = chroma
        self._memory = DictMemory()

    async def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        return make_chat(provider, api_key=credential, base_url=base_url)

    async def embedder(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        return make_embedder(provider, api_key=credential, base_url=base_url)

    def vectors(self) -> VectorStore:
        return VectorStore(self.workspace_id, self.chroma)

    def memory(self) -> DictMemory:
        return self._memory


@pytest.fixture(scope="session")
def chroma() -> Iterator[Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-chroma-"))
    try:
        yield client(tmp / "chroma")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def services(chroma: Any) -> VectorServices:
    return VectorServices(next(_ids), chroma)


@pytest.fixture
def other_services(chroma: Any) -> VectorServices:
    return VectorServices(next(_ids), chroma)


def run_graph(doc: dict[str, Any], inputs: dict[str, Any], services: Any) -> tuple[RunOutcome, ListSink]:
    plan, errors = validate(doc)
    assert plan is not None and errors == [], errors
    assert validate_inputs(plan, inputs) == []
    sink = ListSink()
    outcome = asyncio.run(Engine(plan, sink, run_id="r1", run_inputs=inputs, services=services).run())
    return outcome, sink


def node_outputs(sink: ListSink, node_id: str) -> dict[str, Any]:
    finished = [e for e in sink.of_type("node.finished") if e.node_id == node_id]
    assert finished, f"{node_id} did not finish: {[(e.type, e.node_id, e.payload) for e in sink.events]}"
    return finished[-1].data["outputs"]
