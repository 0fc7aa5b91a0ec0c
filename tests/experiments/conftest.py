"""The API tests' small world (alice owns, bob edits, vera views, charlie is a stranger), a
question-answering pipeline, and a dispatcher that is never sent (in-process tests)."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from builder.models import Pipeline, Workspace
from tests.api.conftest import as_user, users  # noqa: F401
from tests.world import fast_passwords  # noqa: F401 - autouse here


def qa_graph(latency_ms: int = 0) -> dict[str, Any]:
    """question → prompt → llm (fake-small) → output "answer"."""
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text"})
    g.node("prompt", "prompt.template", {"template": "Answer: {{ question }}"})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": latency_ms})
    g.node("answer", "output", {"name": "answer"})
    g.edge("question", "value", "prompt", "question")
    g.edge("prompt", "text", "llm", "prompt")
    g.edge("llm", "text", "answer", "value")
    return g.doc()


@pytest.fixture(autouse=True)
def no_dispatch(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from experiments import dispatch

    sent: list[int] = []
    monkeypatch.setattr(dispatch, "enqueue_driver", sent.append)
    return sent


@pytest.fixture
def workspace(users: dict[str, Any]) -> Workspace:  # noqa: F811
    return Workspace.personal_of(users["alice"])


@pytest.fixture
def qa_pipeline(users: dict[str, Any], workspace: Workspace) -> Pipeline:  # noqa: F811
    return Pipeline.objects.create(workspace=workspace, name="QA", draft=qa_graph(),
                                   created_by=users["alice"], updated_by=users["alice"])
