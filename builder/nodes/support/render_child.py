"""The render pool's child process: ``python -m builder.nodes.support.render_child MEMORY_MB``.

It imports only the bounded sandbox (Jinja2 and the stdlib), caps its own address space, file
writes and core dumps, and then serves requests on stdin/stdout, one at a time: a 4-byte
big-endian length, then the body (an empty frame first says it is ready). A request is a pickle
from the parent (trusted) ``{"source", "batch": [variables, ...], "seconds"}``; a reply is JSON
(the parent does not trust this process) ``{"ok": [text, ...]}`` or ``{"error": [limit, message]}``,
with ``"rss_kb"``. Before each request the CPU limit is set to the time used so far plus the
request's budget, so a render the parent fails to stop still ends. End of input (the parent
exited) ends the process.
"""
from __future__ import annotations

import json
import os
import pickle
import resource
import signal
import struct
import sys
import time
from typing import Any

from builder.nodes.support import jinja_limits as lim
from builder.nodes.support.jinja_sandbox import explain, render_here

_HEADER = struct.Struct(">I")
MAX_BATCH_CHARS = 10_000_000  # all the texts of one batch together


def _limit_self(memory_mb: int) -> None:
    soft_as = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (soft_as, soft_as))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def serve_one(request: dict[str, Any]) -> dict[str, Any]:
    seconds = float(request["seconds"])
    deadline = time.monotonic() + seconds
    texts: list[str] = []
    total = 0
    try:
        for variables in request["batch"]:
            text = render_here(request["source"], variables, max(0.001, deadline - time.monotonic()))
            total += len(text)
            if total > MAX_BATCH_CHARS:
                raise lim.TemplateLimit("output", f"the rendered texts are longer than {MAX_BATCH_CHARS:,} "
                                                  "characters together")
            texts.append(text)
    except Exception as exc:  # noqa: BLE001 - every failure of a user template is its answer
        texts = []  # free the partial results before building the reply
        return {"error": list(explain(exc))}
    return {"ok": texts}


def main(argv: list[str]) -> int:
    memory_mb = int(argv[0]) if argv else 256
    _limit_self(memory_mb)
    # A graceful stop of the process group is the parent's to handle: it finishes its renders, then
    # closes our stdin. (SIGKILL of the group still ends us at once.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    proto_out = os.dup(1)
    os.dup2(2, 1)  # a stray print must not corrupt the protocol
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    os.write(proto_out, _HEADER.pack(0))  # ready: the parent's clock starts with its first request
    for _ in iter(int, 1):  # until the parent closes our stdin
        header = _read_exact(0, _HEADER.size)
        if header is None:
            return 0
        body = _read_exact(0, _HEADER.unpack(header)[0])
        if body is None:
            return 0
        request = pickle.loads(body)
        soft = int(_cpu_seconds() + float(request["seconds"])) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (soft if cpu_hard == resource.RLIM_INFINITY else min(soft, cpu_hard),
                                                 cpu_hard))
        reply = serve_one(request)
        reply["rss_kb"] = _rss_kb()
        data = json.dumps(reply, ensure_ascii=False).encode("utf-8", "surrogatepass")
        os.write(proto_out, _HEADER.pack(len(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(proto_out, view):]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
