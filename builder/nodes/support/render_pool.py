"""A pool of child processes that render templates where a runaway one can be stopped hard.

Each child (:mod:`builder.nodes.support.render_child`) is a fresh interpreter started with ``subprocess``
(fork+exec, never a fork of the multi-threaded worker), with a minimal environment (no secrets)
and an address-space cap. A render still going after :data:`NICE_AFTER_SECONDS` has its child's
priority lowered (``FOMO_TEMPLATE_NICE``), so a bomb yields the CPU to everything else; that child
is replaced after its reply. It stays in the parent's process group, so a SIGKILL
of the group takes it too; it ignores SIGINT and SIGTERM, so a graceful stop of the group lets the
parent finish its renders (the parent stops its children at exit). The parent sends one request at a
time and waits on the pipe with a deadline: at the template's budget (plus a short grace) it
SIGKILLs the child and replaces it. Replies are JSON and bounded in size. A child whose resident
memory grew past :data:`RECYCLE_RSS_MB` is replaced after its reply.

Callers block in :meth:`RenderPool.render`; async code awaits it on :data:`EXECUTOR`'s threads,
which only wait on pipes (the event loop stays free). Children start on first use, at most
``FOMO_TEMPLATE_PROCESSES`` (2) at once, and are stopped at interpreter exit (and, should the
parent be killed, they see end of input, or their CPU limit, and exit).

Settings (environment): ``FOMO_TEMPLATE_PROCESSES`` (2), ``FOMO_TEMPLATE_MEMORY_MB`` (256, the
child's address space), ``FOMO_TEMPLATE_NICE`` (10, 0 = never lowered); the time budget is ``FOMO_TEMPLATE_SECONDS``.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from builder.nodes.support.jinja_limits import MAX_OUTPUT_CHARS, TemplateLimit

PROCESSES = max(1, int(os.environ.get("FOMO_TEMPLATE_PROCESSES", "2")))
MEMORY_MB = int(os.environ.get("FOMO_TEMPLATE_MEMORY_MB", "256"))
NICE = int(os.environ.get("FOMO_TEMPLATE_NICE", "10"))
NICE_AFTER_SECONDS = 0.05  # a render still going after this runs at lower priority
RECYCLE_RSS_MB = 96
GRACE_SECONDS = 0.25  # the child's own clock stops most renders cleanly first
ACQUIRE_SECONDS = 30.0
START_SECONDS = 30.0  # an interpreter's start-up, on a loaded machine
MAX_REPLY_BYTES = 4 * 10_000_000 + 65_536  # UTF-8 of the largest batch, see render_child.MAX_BATCH_CHARS
ROOT = Path(__file__).resolve().parents[2]

_HEADER = struct.Struct(">I")

EXECUTOR = ThreadPoolExecutor(max_workers=2 * PROCESSES + 2, thread_name_prefix="fomo-render")


class ChildDied(Exception):
    """The child ended before replying (its CPU or memory limit, or a crash)."""


class _Child:
    def __init__(self) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8",
               "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-s", "-P", "-m", "builder.nodes.support.render_child", str(MEMORY_MB)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=str(ROOT), env=env,
            close_fds=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin
        self._out = self.proc.stdout.fileno()
        self.renders = 0
        self.niced = False
        self.ready = False

    def wait_ready(self) -> None:
        """The child writes an empty frame once its imports are done: start-up is not render time."""
        try:
            ready = self._read(_HEADER.size, time.monotonic() + START_SECONDS, lower=False)
        except (TimeoutError, ChildDied):
            ready = b""
        if ready != _HEADER.pack(0):
            raise TemplateLimit("error", "the template renderer did not start; try again")
        self.ready = True

    def request(self, body: bytes, seconds: float) -> dict[str, Any]:
        """Send one request and wait for its reply until ``seconds`` (plus the grace) have passed;
        raises TimeoutError, ChildDied, or TemplateLimit for an oversized or malformed reply."""
        if not self.ready:
            self.wait_ready()
        deadline = time.monotonic() + seconds + GRACE_SECONDS
        try:
            self._in.write(_HEADER.pack(len(body)) + body)
            self._in.flush()
        except (BrokenPipeError, OSError) as exc:
            raise ChildDied() from exc
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        if size > MAX_REPLY_BYTES:
            raise TemplateLimit("output", f"the rendered template is longer than {MAX_OUTPUT_CHARS:,} characters")
        try:
            reply = json.loads(self._read(size, deadline).decode("utf-8", "surrogatepass"))
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            raise TemplateLimit("error", "the template renderer gave a malformed answer")
        self.renders += 1
        return reply

    def _read(self, n: int, deadline: float, lower: bool = True) -> bytes:
        chunks: list[bytes] = []
        poller = select.poll()
        poller.register(self._out, select.POLLIN | select.POLLHUP | select.POLLERR)
        while n:
            left = deadline - time.monotonic()
            if lower and not self.niced and NICE and left > 0 \
                    and not poller.poll(min(left, NICE_AFTER_SECONDS) * 1000):
                self._lower_priority()
                continue
            if left <= 0 or not poller.poll(left * 1000):
                raise TimeoutError()
            chunk = os.read(self._out, min(n, 1 << 20))
            if not chunk:
                raise ChildDied()
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _lower_priority(self) -> None:
        """A render that runs this long is not an ordinary one: let every other process go first.
        (Raising it back needs privilege, so a lowered child is replaced after its reply.)"""
        self.niced = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, NICE)

    def kill(self) -> None:
        """Stop the child now and reap it (never leaves a zombie)."""
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)

    def close(self) -> None:
        """Ask an idle child to exit (end of input); kill it if it does not."""
        try:
            self._in.close()
            self.proc.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class RenderPool:
    """At most ``size`` children; a render takes an idle one (starting one if there is room) or waits."""

    def __init__(self, size: int = PROCESSES) -> None:
        self.size = size
        self._idle: list[_Child] = []
        self._busy: set[_Child] = set()
        self._starting = 0
        self._cond = threading.Condition()
        self._generation = 0  # bumped by shutdown(): a spare started before it is not kept
        self.kills = 0  # children stopped at their deadline (for tests and figures)

    def render(self, source: str, batch: list[dict[str, Any]], seconds: float) -> list[str]:
        """Render ``source`` once per variables mapping in ``batch`` within ``seconds`` in all.
        Raises :class:`TemplateLimit` (time, memory, output or the child's own verdict)."""
        body = _encode({"source": source, "batch": batch, "seconds": seconds})
        child = self._acquire()
        healthy = False
        try:
            reply = child.request(body, seconds)
            error = reply.get("error")
            if error is not None and not (isinstance(error, list) and len(error) == 2):
                raise TemplateLimit("error", "the template renderer gave a malformed answer")
            rss_kb = reply.get("rss_kb")
            healthy = isinstance(rss_kb, int) and rss_kb < RECYCLE_RSS_MB * 1024 and not child.niced \
                and (error is None or error[0] != "memory")
        except TimeoutError:
            self.kills += 1
            raise TemplateLimit("time", f"the template took longer than {seconds:g} seconds") from None
        except ChildDied:
            raise TemplateLimit("memory", "the template was stopped at a render's memory or CPU limit "
                                          f"({MEMORY_MB} MB)") from None
        finally:
            self._release(child, healthy)
        if error is not None:
            limit, message = error
            if limit == "memory":
                message = f"the template needs more than the {MEMORY_MB} MB of memory a render may use"
            raise TemplateLimit(str(limit), str(message))
        texts = reply.get("ok")
        if not isinstance(texts, list) or len(texts) != len(batch) or not all(isinstance(t, str) for t in texts):
            raise TemplateLimit("error", "the template renderer gave a malformed answer")
        return texts

    def _acquire(self) -> _Child:
        deadline = time.monotonic() + ACQUIRE_SECONDS
        with self._cond:
            self._drop_dead_idle()
            while not self._idle and len(self._busy) + self._starting >= self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TemplateLimit("time", "every template renderer stayed busy for "
                                                f"{ACQUIRE_SECONDS:g} seconds; try again")
                self._cond.wait(left)
                self._drop_dead_idle()
            if self._idle:
                child = self._idle.pop()
                self._busy.add(child)
                self._warm_spare()
                return child
            self._starting += 1
        try:
            child = _Child()
        except OSError as exc:
            with self._cond:
                self._starting -= 1
                self._cond.notify()
            raise TemplateLimit("error", f"the template renderer could not start ({exc.strerror})") from None
        with self._cond:
            self._starting -= 1
            self._busy.add(child)
            self._warm_spare()
        return child

    def _drop_dead_idle(self) -> None:
        """Forget idle children that died meanwhile (killed from outside), under the lock."""
        for child in [c for c in self._idle if c.proc.poll() is not None]:
            self._idle.remove(child)
            child.kill()

    def _warm_spare(self) -> None:
        """With every child busy and room left, start one more in the background (under the lock),
        so the next render does not wait ~0.1 s for an interpreter to start."""
        if self._idle or len(self._busy) + self._starting >= self.size:
            return
        self._starting += 1
        threading.Thread(target=self._start_spare, args=(self._generation,), daemon=True,
                         name="fomo-render-spare").start()

    def _start_spare(self, generation: int) -> None:
        child: _Child | None = None
        try:
            child = _Child()
            child.wait_ready()
        except (OSError, TemplateLimit):
            if child is not None:
                child.kill()
            child = None
        with self._cond:
            self._starting -= 1
            if child is not None and generation == self._generation:
                self._idle.append(child)
                child = None
            self._cond.notify()
        if child is not None:  # the pool was shut down meanwhile
            child.close()

    def _release(self, child: _Child, healthy: bool) -> None:
        if not healthy:
            child.kill()
        with self._cond:
            self._busy.discard(child)
            if healthy:
                self._idle.append(child)
            else:
                self._warm_spare()  # the replacement starts now, not on the next render
            self._cond.notify()

    def pids(self) -> list[int]:
        with self._cond:
            return [c.proc.pid for c in (*self._idle, *self._busy)]

    def shutdown(self) -> None:
        """Stop every child (idle ones at once; busy ones are killed, their callers get an error)."""
        with self._cond:
            children = [*self._idle, *self._busy]
            self._idle.clear()
            self._generation += 1
        for child in children:
            child.close()


def _encode(request: dict[str, Any]) -> bytes:
    try:
        return pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        # Not plain data: send what the engine would store (JSON, unknown objects as text).
        plain = json.loads(json.dumps(request["batch"], default=str))
        return pickle.dumps({**request, "batch": plain}, protocol=pickle.HIGHEST_PROTOCOL)


POOL = RenderPool()


def shutdown() -> None:
    """Stop the pool's children (tests call this; it also runs at interpreter exit)."""
    POOL.shutdown()


atexit.register(shutdown)
