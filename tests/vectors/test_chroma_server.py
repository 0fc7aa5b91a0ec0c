"""The launcher's Chroma server (what ``make up`` starts when ``CHROMA_URL`` is unset): two
separate processes share one store through it, the items persist in the data directory after
it stops, and stopping it by PID frees its port."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from fomo import launcher

WRITE = """
import sys
from builder.vectors import VectorStore
store = VectorStore(7)
print(store.upsert("shared", ["a", "b"], ["alpha", "beta"], [[1.0, 0.0], [0.0, 1.0]], [{"n": 1}, {"n": 2}]))
"""

READ = """
import json
from builder.vectors import VectorStore
store = VectorStore(7)
print(json.dumps({"collections": store.collections(), "peek": store.peek("shared")}))
"""


def in_process(code: str, chroma_url: str, data_dir: str) -> str:
    env = {**os.environ, "CHROMA_URL": chroma_url, "FOMO_DATA_DIR": data_dir}
    done = subprocess.run([sys.executable, "-c", code], cwd=launcher.ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_two_processes_share_vectors_through_the_launchers_chroma_server(tmp_path):
    port = launcher.free_port()
    url = f"http://127.0.0.1:{port}"
    proc = launcher.start_chroma(tmp_path / "chroma", port, log=tmp_path / "chroma.log")
    try:
        assert launcher.chroma_answers(url)
        assert in_process(WRITE, url, str(tmp_path / "unused")) == "2"
        got = json.loads(in_process(READ, url, str(tmp_path / "unused")))
        assert got["collections"] == [{"name": "shared", "count": 2}]
        assert sorted((i["id"], i["text"], i["metadata"]["n"]) for i in got["peek"]) == [("a", "alpha", 1),
                                                                                         ("b", "beta", 2)]
    finally:
        launcher.stop(proc)
    assert proc.poll() is not None
    assert not launcher.port_open("127.0.0.1", port)
    assert any((tmp_path / "chroma").iterdir()), "the server persisted nothing under --path"


def test_a_restarted_server_serves_what_was_stored(tmp_path):
    url_of = "http://127.0.0.1:{}".format
    port = launcher.free_port()
    proc = launcher.start_chroma(tmp_path / "chroma", port)
    try:
        in_process(WRITE, url_of(port), str(tmp_path))
    finally:
        launcher.stop(proc)
    port = launcher.free_port()
    proc = launcher.start_chroma(tmp_path / "chroma", port)
    try:
        got = json.loads(in_process(READ, url_of(port), str(tmp_path)))
        assert got["collections"] == [{"name": "shared", "count": 2}]
    finally:
        launcher.stop(proc)
