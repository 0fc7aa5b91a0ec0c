"""A pipeline saved through the API runs on a real Celery worker and a websocket client
receives every step live, in order, and misses nothing after a reconnect."""
from __future__ import annotations

import pytest

from fomo.stack import read_events
from tests.integration.graphs import everything, llm_chain

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

TEXT = "the quick brown fox jumps over the lazy dog and keeps on running far away from home today"


def assert_gap_free(events: list[dict]) -> None:
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(seqs) + 1)), seqs


def test_branches_router_map_and_join_stream_every_event_in_order(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(everything(latency_ms=300))
    run = api.start_run(pipeline["id"], {"text": TEXT, "kind": "is this a question?"})
    with api.websocket(run["id"]) as ws:
        events = read_events(ws)
    assert_gap_free(events)
    assert events[0]["type"] == "run.started"
    assert events[-1]["type"] == "run.finished"
    assert events[-1]["payload"]["status"] == "succeeded"

    by_node: dict[str, list[str]] = {}
    for e in events:
        if e["node_id"] and e["item"] is None:
            by_node.setdefault(e["node_id"], []).append(e["type"])
    assert by_node["s_prompt"] == ["node.skipped"]
    assert "node.finished" in by_node["q_prompt"]
    assert any(e["type"] == "node.token" and e["node_id"] == "left" for e in events)

    # The two 300 ms LLM branches overlap in time: the second starts before the first ends.
    started = {e["node_id"]: e["ts"] for e in events if e["type"] == "node.started" and e["item"] is None}
    finished = {e["node_id"]: e["ts"] for e in events if e["type"] == "node.finished" and e["item"] is None}
    assert max(started["left"], started["right"]) < min(finished["left"], finished["right"])

    detail = api.get(f"/api/runs/{run['id']}").json()
    assert detail["status"] == "succeeded"
    chunks = detail["outputs"]["joined"].split("|")
    assert chunks[0].startswith("PART: THE QUICK") and len(chunks) >= 3
    assert detail["outputs"]["routed"] == "Answer: is this a question?"
    assert detail["outputs"]["left_out"] != detail["outputs"]["right_out"]
    items = [n for n in detail["nodes"] if n["node_id"] == "upper" and n["item"] is not None]
    assert [n["item"] for n in items] == list(range(len(chunks)))
    assert detail["usage"]["total_tokens"] > 0
    assert detail["last_seq"] == events[-1]["seq"]


def test_a_client_that_reconnects_with_after_misses_nothing(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(llm_chain(6, latency_ms=150))
    run = api.start_run(pipeline["id"], {"topic": "reconnects"})
    with api.websocket(run["id"]) as ws:
        first = read_events(ws, stop_after=4)
    last = first[-1]["seq"]
    with api.websocket(run["id"], after=last) as ws:
        second = read_events(ws)
    union = first + second
    assert_gap_free(union)
    assert union[-1]["type"] == "run.finished"
    # A late joiner replays the whole log from the start.
    with api.websocket(run["id"], after=0) as ws:
        replay = read_events(ws)
    assert [e["seq"] for e in replay] == [e["seq"] for e in union]
    # The REST pages agree with the websocket.
    page = api.get(f"/api/runs/{run['id']}/events", params={"after": 0}).json()
    assert [e["seq"] for e in page["events"]] == [e["seq"] for e in union] and page["done"] is True


def test_cancelling_a_running_run_stops_it_promptly(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(llm_chain(3, latency_ms=5000))
    run = api.start_run(pipeline["id"], {"topic": "cancel me"})
    with api.websocket(run["id"]) as ws:
        read_events(ws, until_type="node.started")
        assert api.post(f"/api/runs/{run['id']}/cancel").status_code == 200
        events = read_events(ws, timeout=10)
    assert events[-1]["payload"]["status"] == "cancelled"
    states = {e["payload"].get("state") for e in events if e["type"] == "node.skipped"}
    assert "cancelled" in states
    detail = api.get(f"/api/runs/{run['id']}").json()
    assert detail["status"] == "cancelled"
    assert detail["duration_ms"] < 4000
