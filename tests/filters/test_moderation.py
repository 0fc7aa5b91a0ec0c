"""The filter's moderation option through the real OpenAI SDK against a small local stub of
``POST /v1/moderations``: flagged text goes to the blocked branch, a bad key is a clear auth error."""
from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from builder.nodes.base import NodeError
from builder.nodes.catalog import registry
from runs.services import RunServices
from tests.nodes.kit import FakeContext

CATEGORIES = ["harassment", "hate", "self-harm", "sexual", "violence"]


class ModerationStub(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.seen.append({"path": self.path, "body": body, "auth": self.headers.get("authorization")})
        if self.headers.get("authorization") != "Bearer good-key":
            return self._send(401, {"error": {"message": "Incorrect API key", "type": "invalid_request_error"}})
        violent = "punch" in body["input"]
        self._send(200, {"id": "modr-1", "model": body.get("model"), "results": [{
            "flagged": violent,
            "categories": {c: (violent and c == "violence") for c in CATEGORIES},
            "category_scores": {c: (0.97 if violent and c == "violence" else 0.01) for c in CATEGORIES},
        }]})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[str]:
    ModerationStub.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ModerationStub)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def run_filter(config: dict[str, Any], text: str, key: str, monkeypatch) -> dict[str, Any]:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    # The environment key only goes to OpenAI's own API (which OPENAI_BASE_URL points at the stub),
    # never to a node's base URL; the stub is on loopback, which the allow-list must name.
    stub = config.get("moderation", {}).pop("base_url", None)
    if stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub)
        monkeypatch.setenv("FOMO_HTTP_ALLOW", stub.split("/")[2])
    spec = registry.get("filter")
    ctx = FakeContext(services=RunServices(workspace_id=1))
    return asyncio.run(spec.run(ctx, spec.parse_config(config), {"text": text}))


def test_flagged_text_is_blocked_with_its_categories(stub, monkeypatch):
    out = run_filter({"moderation": {"base_url": stub}}, "I will punch you", "good-key", monkeypatch)
    assert out == {"blocked": {"reason": "moderation", "matches": ["violence"]}}
    assert ModerationStub.seen[0]["path"] == "/v1/moderations"
    assert ModerationStub.seen[0]["body"]["model"] == "omni-moderation-latest"


def test_clean_text_passes_and_the_model_sees_the_redacted_text(stub, monkeypatch):
    out = run_filter({"words": ["bob"], "action": "redact", "moderation": {"base_url": stub}}, "hello bob",
                     "good-key", monkeypatch)
    assert out == {"passed": "hello [redacted]"}
    assert ModerationStub.seen[0]["body"]["input"] == "hello [redacted]"


def test_a_bad_key_is_a_clear_auth_error_without_retries(stub, monkeypatch):
    with pytest.raises(NodeError) as caught:
        run_filter({"moderation": {"base_url": stub}}, "hello", "bad-key", monkeypatch)
    assert caught.value.kind == "auth" and not caught.value.retryable
    assert "bad-key" not in caught.value.message
    assert len(ModerationStub.seen) == 1


def test_without_any_key_moderation_says_it_needs_one(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    spec = registry.get("filter")
    ctx = FakeContext(services=RunServices(workspace_id=1))
    with pytest.raises(NodeError) as caught:
        asyncio.run(spec.run(ctx, spec.parse_config({"moderation": {}}), {"text": "x"}))
    assert caught.value.kind == "auth" and "key" in caught.value.message
