"""A stored credential is looked up off the worker's event loop: while the look-up is slow, the
other coroutines on the loop (other nodes, other runs, the lease keeper) keep running. Real
credential rows resolved by ``runs.services``; the node calls the real SDK against the stub."""
from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from builder import credentials
from builder.credentials import set_secret
from builder.graph import validate
from builder.graph_doc import GraphDoc
from builder.models import Credential, Workspace
from builder.providers import registry
from runs.engine import Engine, ListSink
from runs.services import RunServices
from tests.api.conftest import users  # noqa: F401
from tests.stubs.llm_stub import LLMStub

pytestmark = pytest.mark.django_db(transaction=True)

LOOKUP_S = 1.0  # a stall on the loop would be at least this long; the bound below is half of it
TICK_S = 0.01


@pytest.fixture
def ws(users, settings, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_ENCRYPTION_KEYS", raising=False)
    settings.DATA_DIR = tmp_path
    return Workspace.personal_of(users["alice"])


@pytest.fixture
def slow_lookup(monkeypatch) -> None:
    real = credentials._lookup

    def slow(*args: Any) -> Any:
        time.sleep(LOOKUP_S)  # a slow database, or a lock held by another transaction
        return real(*args)

    monkeypatch.setattr(credentials, "_lookup", slow)


def chat_with(credential_id: int) -> GraphDoc:
    g = GraphDoc()
    g.node("q", "text.constant", {"text": "hello there"})
    g.node("llm", "llm.chat", {"provider": "openai_compatible", "model": "stub-model",
                               "credential": str(credential_id)})
    g.node("out", "output", {"name": "answer"})
    g.edge("q", "text", "llm", "prompt")
    g.edge("llm", "text", "out", "value")
    return g


async def run_beside_a_ticker(plan: Any, services: RunServices) -> tuple[Any, list[float]]:
    """Run the plan while a coroutine on the same loop notes the time every TICK_S."""
    ticks: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(TICK_S)

    task = asyncio.create_task(ticker())
    try:
        outcome = await Engine(plan, ListSink(), run_id="r1", services=services).run()
    finally:
        done.set()
        await task
    return outcome, ticks


def test_a_slow_credential_lookup_leaves_the_event_loop_running(ws, llm_stub: LLMStub, slow_lookup):
    cred = Credential(workspace=ws, provider="openai_compatible", name="stub", base_url=llm_stub.openai_base_url)
    set_secret(cred, "sk-stub-key-0c9d")
    cred.save()
    plan, errors = validate(chat_with(cred.pk).doc())
    assert plan is not None and not errors, errors
    # The SDK's first import holds the loop too; a busy worker has paid it long ago, and this test
    # measures the credential look-up alone.
    registry.make_chat("openai_compatible", api_key="k", base_url=llm_stub.openai_base_url)

    started = time.monotonic()
    outcome, ticks = asyncio.run(run_beside_a_ticker(plan, RunServices(ws.pk)))

    assert outcome.status == "succeeded", outcome.node_errors
    assert time.monotonic() - started >= LOOKUP_S  # the slow look-up did happen
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < LOOKUP_S / 2, f"the loop stood still for {max(gaps):.3f} s during the look-up"
    assert len(ticks) >= LOOKUP_S / TICK_S / 2


def test_the_blocking_lookup_refuses_to_run_on_an_event_loop(ws):
    async def on_the_loop() -> None:
        credentials.resolve_credential(ws.pk, "1", "openai", None)

    with pytest.raises(RuntimeError, match="aresolve_credential"):
        asyncio.run(on_the_loop())
