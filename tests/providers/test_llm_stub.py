"""The protocol stub itself, from plain synchronous code (as a worker process would call it)."""
from __future__ import annotations

import base64
import struct
import threading

import httpx

from tests.stubs.llm_stub import EMBED_DIMS, LLMStub, fake_vector


def test_it_serves_sync_callers_and_records_them(llm_stub):
    with httpx.Client(base_url=llm_stub.base_url) as http:
        floats = http.post("/v1/embeddings", json={"model": "e", "input": ["hi"], "encoding_format": "float"})
        packed = http.post("/v1/embeddings", json={"model": "e", "input": ["hi"], "encoding_format": "base64"})

    decoded = list(struct.unpack(f"<{EMBED_DIMS}f", base64.b64decode(packed.json()["data"][0]["embedding"])))
    assert floats.json()["data"][0]["embedding"] == fake_vector("hi|e")
    assert decoded == [struct.unpack("<f", struct.pack("<f", x))[0] for x in fake_vector("hi|e")]
    assert [(r.path, r.status) for r in llm_stub.requests] == [("/v1/embeddings", 200)] * 2


def test_a_fault_for_one_path_waits_for_a_request_to_that_path(llm_stub):
    llm_stub.faults.push(status=503, path="/v2/embed")

    with httpx.Client(base_url=llm_stub.base_url) as http:
        other = http.post("/v1/embeddings", json={"model": "e", "input": ["x"]})
        hit = http.post("/v2/embed", json={"model": "e", "texts": ["x"], "input_type": "search_query"})

    assert (other.status_code, hit.status_code) == (200, 503)
    assert len(llm_stub.faults) == 0


def test_it_streams_sse_and_measures_overlap(llm_stub):
    # Long enough streams that the three overlap even on a loaded machine.
    llm_stub.token_delay_s = 0.05
    bodies: list[str] = []
    ready = threading.Barrier(3)

    def call() -> None:
        with httpx.Client(base_url=llm_stub.base_url, timeout=30) as http:
            ready.wait(10)
            bodies.append(http.post("/v1/chat/completions", json={
                "model": "m", "stream": True,
                "messages": [{"role": "user", "content": " ".join("abcdefghijklmnopqrst")}]}).text)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert all(b.rstrip().endswith("data: [DONE]") for b in bodies) and len(bodies) == 3
    assert llm_stub.max_overlap("/v1/chat/completions") == 3


def test_it_can_be_used_as_a_context_manager_of_its_own():
    with LLMStub() as stub:
        response = httpx.post(stub.base_url + "/v1/messages", json={
            "model": "claude", "max_tokens": 5, "messages": [{"role": "user", "content": "hello"}]})
        assert response.json()["content"][0]["text"] == "[claude] hello"
    assert stub.requests[0].path == "/v1/messages"
