"""pytest fixtures for the protocol stub in :mod:`tests.stubs.llm_stub`.

Import them in a ``conftest.py`` to use them in a test tree::

    from tests.stubs.fixtures import llm_stub, llm_stub_server  # noqa: F401

``llm_stub`` is the one to use in tests: a server shared by the whole session (started once,
on 127.0.0.1 and a free port, in its own thread and loop) and reset before each test (no
recorded requests, no queued faults, no token delay). It works from sync and async tests
and from other processes (pass ``llm_stub.base_url`` to a Celery worker).

The stub is on loopback, which the network guard refuses: for the test's duration ``llm_stub``
adds ``llm_stub.allow_entry`` (``127.0.0.1:<port>``) to ``FOMO_HTTP_ALLOW``, exactly as an operator
allow-lists a local model server. A test that wants the guard's refusal deletes the variable.
A stack started for tests allow-lists loopback itself (:func:`fomo.stack.start_stack`)::

    def test_something(llm_stub):
        client = openai.OpenAI(base_url=llm_stub.openai_base_url, api_key="k", max_retries=0)
        llm_stub.faults.push(status=429, retry_after="1")
        ...
        assert len(llm_stub.requests) == 2
"""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.stubs.llm_stub import LLMStub


@pytest.fixture(scope="session")
def llm_stub_server() -> Iterator[LLMStub]:
    with LLMStub() as stub:
        yield stub


@pytest.fixture
def llm_stub(llm_stub_server: LLMStub, monkeypatch: pytest.MonkeyPatch) -> Iterator[LLMStub]:
    current = os.environ.get("FOMO_HTTP_ALLOW", "")
    monkeypatch.setenv("FOMO_HTTP_ALLOW", ",".join(e for e in (current, llm_stub_server.allow_entry) if e))
    llm_stub_server.reset()
    yield llm_stub_server
    llm_stub_server.reset()
