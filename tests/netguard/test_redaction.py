"""A server that reflects request headers must not put a credential into the run's trace: the
values of credentials resolved during the run are redacted from every node output, streamed token
and error before the engine hands them on. The real engine runs ``http.request`` with a stored
credential against a local server that echoes the headers it got."""
from __future__ import annotations

import asyncio
import json

import pytest

from builder.credentials import set_secret
from builder.graph import validate
from builder.graph_doc import GraphDoc
from builder.models import Credential, Workspace
from builder.netguard import Policy
from runs.engine import ListSink, execute
from runs.engine.redaction import REDACTED, Redactor
from runs.services import RunServices
from tests.api.conftest import users  # noqa: F401

SECRET = "tok-REFLECTED-SECRET-9c2e7a41f0"

pytestmark = pytest.mark.django_db(transaction=True)


class LocalServices(RunServices):
    def http_policy(self) -> Policy:
        return Policy.from_setting("127.0.0.1")


@pytest.fixture
def ws(users, settings, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FOMO_ENCRYPTION_KEYS", raising=False)
    settings.DATA_DIR = tmp_path
    return Workspace.personal_of(users["alice"])


def reflecting_run(ws: Workspace, base: str, path: str, **config: object) -> ListSink:
    cred = Credential(workspace=ws, provider="http", name="echo", base_url=base)
    set_secret(cred, SECRET)
    cred.save()
    g = GraphDoc()
    g.node("call", "http.request", {"url": f"{base}{path}", "response": "json", "auth_credential": str(cred.pk),
                                    **config})
    g.node("out", "output", {"name": "body"})
    g.edge("call", "body", "out", "value")
    plan, errors = validate(g.doc())
    assert plan is not None, errors
    sink = ListSink()
    asyncio.run(execute(plan, sink, run_id="r1", services=LocalServices(ws.pk)))
    return sink


def test_a_reflected_secret_is_redacted_from_outputs_and_the_run_result(ws, server):
    base, routes = server
    routes.reflect("/echo")
    sink = reflecting_run(ws, base, "/echo")
    assert routes.seen[0]["headers"]["Authorization"] == f"Bearer {SECRET}"  # the server did get it
    finished = sink.of_type("node.finished")
    assert finished and all(SECRET not in json.dumps([e.payload, e.data], default=str) for e in sink.events)
    reflected = finished[0].data["outputs"]["body"]["headers"]["Authorization"]
    assert reflected == f"Bearer {REDACTED}"


def test_a_reflected_secret_is_redacted_from_a_node_error(ws, server):
    base, routes = server
    routes.reflect("/echo", status=400)
    sink = reflecting_run(ws, base, "/echo")
    failed = sink.of_type("node.failed")
    assert failed and "HTTP 400" in failed[0].payload["error"]["message"]
    assert all(SECRET not in json.dumps([e.payload, e.data], default=str) for e in sink.events)
    assert SECRET not in json.dumps(sink.of_type("run.finished")[0].payload)


def test_the_redactor_walks_nested_values_and_leaves_clean_ones_untouched():
    redactor = Redactor()
    clean = {"a": [1.5, "x", {"b": None}]}
    assert redactor.value(clean) is clean  # nothing known yet: the same object back
    redactor.add(SECRET)
    redactor.add("abc")  # too short to tell from ordinary text: ignored
    value = {"k": [f"x{SECRET}y", 3, {"deep": (SECRET,)}], SECRET: True, "abc": "abc"}
    assert redactor.value(value) == {"k": [f"x{REDACTED}y", 3, {"deep": [REDACTED]}], REDACTED: True,
                                     "abc": "abc"}
    assert redactor.value(clean) is clean
    assert redactor.text(f"Bearer {SECRET}") == f"Bearer {REDACTED}"


def test_streamed_tokens_are_redacted_too():
    from runs.engine.context import ExecContext, UsageTotals

    class Services:
        redactor = Redactor()

    Services.redactor.add(SECRET)
    sink = ListSink()

    async def stream() -> None:
        ctx = ExecContext(run_id="r", node_id="n", item=None, attempt=1, run_inputs={}, services=Services(),
                          sink=sink, usage_totals=UsageTotals(), run_totals=UsageTotals())
        ctx.token(f"your key is {SECRET}")
        ctx.close()

    asyncio.run(stream())
    texts = [e.payload["text"] for e in sink.of_type("node.token")]
    assert texts and all(SECRET not in t for t in texts) and REDACTED in "".join(texts)
