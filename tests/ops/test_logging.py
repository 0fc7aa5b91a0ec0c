"""Structured logs: JSON lines (FOMO_LOG_FORMAT=json) carrying run and node ids, and no secrets —
through the real logging configuration of a real process."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import textwrap
from io import StringIO

import pytest

from fomo import launcher, logctx
from fomo.logging import ContextFilter, JsonFormatter, RedactSecrets, TextFormatter, redact
from fomo.stack import read_events

OPENAI_KEY = "sk-proj-Zq8Xv3LmN5pR7tY9wB2cD4fG6hJ8kL0m"
STORED_SECRET_TOKEN = "gAAAAABnQ1x2y3z4A5B6C7D8E9F0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
FOMO_TOKEN = "fomo_ab12cd34_Wk3vQ9rT2yU8iO5pA1sD7fG4hJ6kL0zX"
PASSWORD = "hunter2-but-longer"

SCRIPT = textwrap.dedent(f"""
    import logging
    log = logging.getLogger("fomo.test")
    log.info("calling with api_key=%s", {OPENAI_KEY!r})
    log.warning("headers: %s", {{"Authorization": "Bearer {FOMO_TOKEN}", "Accept": "json"}})
    log.info("stored credential %s", {STORED_SECRET_TOKEN!r})
    log.info("db at postgres://fomo:{PASSWORD}@db:5432/fomo, usage prompt_tokens=1234")
    log.info("the key in the environment is %s", __import__("os").environ["ANTHROPIC_API_KEY"])
    try:
        raise RuntimeError("provider refused key {OPENAI_KEY}")
    except RuntimeError:
        log.exception("node failed")
""")


def run_logged(fmt: str) -> str:
    env = dict(os.environ, FOMO_LOG_FORMAT=fmt, ANTHROPIC_API_KEY="my-own-anthropic-key-123456",
               DJANGO_SETTINGS_MODULE="fomo.settings")
    done = subprocess.run([launcher.PYTHON, "manage.py", "shell", "-c", SCRIPT], cwd=launcher.ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr


def assert_no_secrets(out: str) -> None:
    for secret in (OPENAI_KEY, STORED_SECRET_TOKEN, FOMO_TOKEN, PASSWORD, "my-own-anthropic-key-123456",
                   OPENAI_KEY[-12:], FOMO_TOKEN.split("_")[2]):
        assert secret not in out, f"{secret[:10]}… leaked into the log"


def test_json_lines_of_a_real_process_carry_no_secret():
    out = run_logged("json")
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    mine = [line for line in lines if line["logger"] == "fomo.test"]
    assert len(mine) == 6, out[-2000:]
    assert_no_secrets(out)
    assert all({"ts", "level", "logger", "message", "run_id", "node_id"} <= set(line) for line in mine)
    assert mine[0]["message"] == "calling with api_key=[redacted]"
    assert mine[1]["message"] == "headers: {'Authorization': '[redacted]', 'Accept': 'json'}"
    assert "prompt_tokens=1234" in mine[3]["message"]  # counts are not secrets
    assert mine[5]["level"] == "ERROR" and "RuntimeError" in mine[5]["exc"]


def test_text_lines_carry_no_secret_either():
    out = run_logged("text")
    assert "fomo.test calling with api_key=[redacted]" in out
    assert "Traceback" in out
    assert_no_secrets(out)


def test_run_and_node_ids_follow_each_node_task():
    buf = StringIO()
    handler = logging.StreamHandler(buf)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("fomo.test.ctx")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False

    async def node(name: str, item: int | None = None) -> None:
        logctx.enter_node(name, item)
        await asyncio.sleep(0.01)  # the siblings interleave here
        log.info("working")

    async def run() -> None:
        with logctx.bound_run(42):
            log.info("started")
            await asyncio.gather(node("left"), node("right"), node("mapped", 3))
            log.info("finished")
        log.info("after")

    try:
        asyncio.run(run())
    finally:
        log.removeHandler(handler)
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    got = [(line["message"], line["run_id"], line["node_id"], line.get("item")) for line in lines]
    assert got[0] == ("started", "42", None, None)
    assert sorted(got[1:4]) == [("working", "42", "left", None), ("working", "42", "mapped", 3),
                                ("working", "42", "right", None)]
    assert got[4] == ("finished", "42", None, None)  # a node's id stays in its own task
    assert got[5] == ("after", None, None, None)


def test_the_text_format_names_run_and_node():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    with logctx.bound_run(7):
        logctx.enter_node("llm1")
        ContextFilter().filter(record)
    assert TextFormatter().format(record).endswith("INFO x [run 7 node llm1] hello there")


def test_redaction_leaves_ordinary_text_alone():
    text = "run 12 finished in 3.2 s; max_tokens=256, 3 nodes, model gpt-4o-mini"
    assert redact(text) == text
    assert redact("Authorization: Basic dXNlcjpwYXNzd29yZA==") == "Authorization: [redacted]"


@pytest.mark.integration
def test_a_real_worker_names_the_run_and_the_failing_node(live_stack):
    from builder.graph_doc import GraphDoc

    g = GraphDoc()
    g.node("topic", "input", {"name": "topic", "type": "text"})
    g.node("ask", "llm.chat", {"model": "fake-small"})
    g.node("out", "output", {"name": "result"})
    g.edge("topic", "value", "ask", "prompt")
    g.edge("ask", "text", "out", "value")
    api = live_stack.client("alice")
    pipeline = api.create_pipeline(g.doc())
    run = api.start_run(pipeline["id"], {"topic": "[[fake:fail:auth]] please"})
    with api.websocket(run["id"]) as ws:
        events = read_events(ws, timeout=60)
    assert events[-1]["payload"]["status"] == "failed"
    logs = "".join(p.read_text(errors="replace") for p in live_stack.root.glob("worker-*.log"))
    assert f"runs.worker [run {run['id']}] run {run['id']}: attempt 1" in logs
    assert f"runs.worker [run {run['id']} node ask] node ask failed (attempt 1): auth:" in logs
