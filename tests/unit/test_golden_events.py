"""The golden event sequences (tests/golden/run_events.json) against the server's projection of
a run's log: the node records and the run's terminal columns the sink writes. The canvas's
projection (frontend/src/run/runEvents.ts) is checked against the same file by Vitest."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runs.engine import events
from runs.engine.events import Event
from runs.models import WHOLE_NODE
from runs.sink import DjangoSink

GOLDEN = json.loads((Path(__file__).resolve().parents[1] / "golden" / "run_events.json").read_text())
CASES = {case["name"]: case for case in GOLDEN["cases"]}
PAYLOADS: dict[str, Any] = {
    "run.started": events.RunStartedPayload, "node.started": events.NodeStartedPayload,
    "node.token": events.NodeTokenPayload, "node.finished": events.NodeFinishedPayload,
    "node.failed": events.NodeFailedPayload, "node.skipped": events.NodeSkippedPayload,
    "run.finished": events.RunFinishedPayload,
}


def log_of(case: dict[str, Any]) -> list[Event]:
    return [Event(t, node, item, dict(payload), ts=1000.0 + i) for i, (t, node, item, payload) in
            enumerate(case["events"])]


def test_the_payload_table_covers_the_closed_event_set():
    assert set(PAYLOADS) == events.EVENT_TYPES


@pytest.mark.parametrize("name", CASES)
def test_every_golden_payload_has_the_shape_of_its_type(name):
    for ev in log_of(CASES[name]):
        shape = PAYLOADS[ev.type]
        assert shape.__required_keys__ <= set(ev.payload), (ev.type, ev.payload)
        assert set(ev.payload) <= shape.__required_keys__ | shape.__optional_keys__, (ev.type, ev.payload)


@pytest.mark.parametrize("name", CASES)
def test_the_sink_projects_each_golden_log_to_its_expected_state(name):
    case = CASES[name]
    sink = DjangoSink(1, next_seq=1, known_nodes={}, lease_owner="t", started_at=None)
    write, messages, _ = sink._prepare(log_of(case))
    assert [m["seq"] for m in messages] == list(range(1, len(case["events"]) + 1))
    assert write.finish is not None and write.finish["status"] == case["expect"]["run"]
    records = {(r.node_id, r.item): r for r in write.new_nodes + write.old_nodes}
    for node_id, want in case["expect"]["nodes"].items():
        record = records[(node_id, WHOLE_NODE)]
        assert record.status == want["state"], (node_id, record.status)
        if "attempts" in want:
            assert record.attempts == want["attempts"]
        if "error_kind" in want:
            assert (record.error or {}).get("kind") == want["error_kind"]
    for node_id, items in case["expect"].get("items", {}).items():
        for item, want in items.items():
            assert records[(node_id, int(item))].status == want["state"]
    assert {k for k, _ in records} == set(case["expect"]["nodes"])


def test_the_constructors_make_what_the_golden_logs_hold():
    made = [
        events.run_started(1, []), events.node_started("a", None, 1, {}), events.node_token("a", None, 1, "Hel"),
        events.node_finished("a", None, 1, 40, {"text": "Hello"}, {"text": "Hello"}),
        events.node_failed("a", None, 1, 3, {"kind": "template", "message": "m", "retryable": False}, False),
        events.node_skipped("b", None, "abandoned", "an upstream node failed"), events.run_finished("failed"),
    ]
    golden_keys = {(t, frozenset(p)) for case in GOLDEN["cases"] for t, _, _, p in case["events"]}
    for ev in made:
        assert any(t == ev.type and set(ev.payload) <= keys | {"usage", "cost"} for t, keys in golden_keys), ev
