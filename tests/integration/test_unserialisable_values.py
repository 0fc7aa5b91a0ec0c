"""A node whose output holds what no database, renderer or channel layer takes (a lone surrogate,
a NUL, NaN, nesting 300 deep) runs through a real worker to the end: its run stays readable
over every route and its events reach the websocket live. Hostile websocket frames get an
error frame and the socket keeps working (a real daphne)."""
from __future__ import annotations

import json

import pytest

from builder.graph_doc import GraphDoc
from fomo.jsonsafe import STORED_MAX_DEPTH
from fomo.stack import read_events

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

# ASCII text, so a valid run input; json.extract turns its escapes into the real characters.
TEXT = json.dumps({"lone": "\ud800 high", "nul": "a\x00b", "pair": "\ud83c\udf89", "nan": "@NAN@",
                   "deep": "@DEEP@"}).replace('"@NAN@"', "NaN").replace('"@DEEP@"', "[" * 300 + "]" * 300)


def extract_graph() -> dict:
    g = GraphDoc()
    g.node("text", "input", {"name": "text", "type": "text"})
    g.node("parse", "json.extract", {"parse": True, "path": ""})
    g.node("out", "output", {"name": "value"})
    g.edge("text", "value", "parse", "value")
    g.edge("parse", "value", "out", "value")
    return g.doc()


def depth(value) -> int:
    n = 0
    while isinstance(value, list) and value:
        value, n = value[0], n + 1
    return n


def test_a_run_whose_node_outputs_unstorable_values_finishes_and_stays_readable(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(extract_graph())
    run = api.start_run(pipeline["id"], {"text": TEXT})
    with api.websocket(run["id"]) as ws:
        events = read_events(ws, timeout=30)  # live: none of the batches failed to publish
    last = events[-1]
    assert last["type"] == "run.finished" and last["payload"]["status"] == "succeeded", last["payload"]

    detail = api.get(f"/api/runs/{run['id']}")
    assert detail.status_code == 200, detail.text[:300]
    value = detail.json()["outputs"]["value"]
    assert value["lone"] == "\ufffd high" and value["nul"] == "a\ufffdb" and value["pair"] == "\N{PARTY POPPER}"
    assert value["nan"] is None
    assert depth(value["deep"]) < 300 and STORED_MAX_DEPTH - 5 <= depth(value["deep"]) <= STORED_MAX_DEPTH
    node = api.get(f"/api/runs/{run['id']}/nodes/parse")
    assert node.status_code == 200, node.text[:300]
    assert node.json()["outputs"]["value"]["lone"] == "\ufffd high"
    page = api.get(f"/api/runs/{run['id']}/events", params={"after": 0})
    assert page.status_code == 200 and [e["seq"] for e in page.json()["events"]] == [e["seq"] for e in events]
    with api.websocket(run["id"]) as ws:  # the replay from the database too
        assert [e["seq"] for e in read_events(ws, timeout=30)] == [e["seq"] for e in events]


def test_hostile_websocket_frames_get_an_error_frame_and_the_socket_keeps_working(live_stack):
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(extract_graph())
    run = api.start_run(pipeline["id"], {"text": "[1]"})
    with api.websocket(run["id"]) as ws:
        seqs = [e["seq"] for e in read_events(ws, timeout=30)]
        for frame, code in (("[" * 10_000 + "]" * 10_000, "too_deep"),
                            ('{"type": "resume", "x": "\\ud800"}', "invalid_json"),
                            ("not json", "invalid_json"), (b"\x00\x01binary", "invalid_json")):
            ws.send(frame)
            reply = json.loads(ws.recv(timeout=10))
            assert reply["type"] == "error" and reply["error"]["code"] == code, (frame[:20], reply)
        assert ws.ping().wait(5)
    with api.websocket(run["id"], after=seqs[-2]) as ws:
        assert [e["seq"] for e in read_events(ws, timeout=30)] == seqs[-1:]
