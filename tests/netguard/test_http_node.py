"""The ``http.request`` node: config checks, body template ports, text and JSON answers, status
handling, and the guard's refusals as ``blocked`` node errors."""
from __future__ import annotations

import asyncio
import json

import pytest

from builder.graph import ports_for
from builder.netguard import Policy
from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from tests.nodes.kit import FakeContext, FakeServices


class AllowLocal(FakeServices):
    def http_policy(self) -> Policy:
        return Policy.from_setting("127.0.0.1")


def run(config, inputs=None, services=None):
    spec = registry.get("http.request")
    ctx = FakeContext(services=services or AllowLocal())
    return asyncio.run(spec.run(ctx, spec.parse_config(config), dict(inputs or {})))


def test_body_variables_become_input_ports_beside_url():
    _, _, errors = ports_for("http.request", None, {"body": '{"q": {{ question | tojson }}, "n": {{ n }}}'})
    inputs, outputs, _ = ports_for("http.request", None, {"body": '{"q": {{ question | tojson }}, "n": {{ n }}}'})
    assert not errors
    assert [(p.name, p.required) for p in inputs] == [("url", False), ("question", True), ("n", True)]
    assert [p.name for p in outputs] == ["body", "status", "headers"]


@pytest.mark.parametrize("config, field", [
    ({"url": "ftp://x/"}, "url"), ({"method": "TRACE"}, "method"), ({"headers": {"Host": "x"}}, "headers"),
    ({"headers": {"X-A": "a\r\nX-B: b"}}, "headers"), ({"body": "{{ oops"}, "body"), ({"timeout_s": 0}, "timeout_s"),
    ({"extra": 1}, "extra"),
])
def test_bad_config_is_reported_by_field(config, field):
    errors = {e.field: e.message for e in ports_for("http.request", None, config)[2]}
    assert field in errors, errors


def test_it_posts_the_rendered_body_and_reads_json(server):
    base, routes = server
    routes.set("/api", body=json.dumps({"answer": 42}), headers={"Content-Type": "application/json"})
    out = run({"method": "POST", "url": f"{base}/api", "headers": {"Content-Type": "application/json"},
               "body": '{"q": {{ q | tojson }}}', "response": "json"}, {"q": 'say "hi"'})
    assert out["body"] == {"answer": 42} and out["status"] == 200
    assert out["headers"]["content-type"] == "application/json"
    assert json.loads(routes.seen[0]["body"]) == {"q": 'say "hi"'}


def test_the_url_input_overrides_the_config(server):
    base, routes = server
    routes.set("/x", body="from input")
    assert run({"url": "https://example.invalid/"}, {"url": f"{base}/x"})["body"] == "from input"


def test_an_error_status_fails_unless_told_to_pass_it_on(server):
    base, routes = server
    routes.set("/busy", status=503, body="later")
    with pytest.raises(NodeError) as caught:
        run({"url": f"{base}/busy"})
    assert caught.value.kind == "http_status" and caught.value.retryable and "503" in caught.value.message
    out = run({"url": f"{base}/busy", "fail_on_status": False})
    assert (out["body"], out["status"], out["headers"]["content-length"]) == ("later", 503, "5")


def test_a_non_json_answer_in_json_mode_says_so(server):
    base, routes = server
    routes.set("/t", body="plain")
    with pytest.raises(NodeError) as caught:
        run({"url": f"{base}/t", "response": "json"})
    assert caught.value.kind == "bad_response" and caught.value.field == "response"


def test_without_an_allow_list_local_addresses_are_blocked(server):
    base, routes = server
    with pytest.raises(NodeError) as caught:
        run({"url": f"{base}/x"}, services=FakeServices())
    assert caught.value.kind == "blocked" and caught.value.field == "url" and "127.0.0.1" in caught.value.message
    assert routes.seen == []


def test_a_missing_url_is_a_bad_input():
    with pytest.raises(NodeError) as caught:
        run({})
    assert caught.value.kind == "bad_input" and caught.value.field == "url"
