"""``fomo up`` (and ``make up``, through scripts/up.py): migrate, seed the demo, start Redis if none
answers, a Chroma server unless ``CHROMA_URL`` names one, a Celery worker and daphne on
127.0.0.1:``FOMO_PORT`` (8000), print the URL and the demo login, and stop everything it started on
Ctrl-C or SIGTERM.

The web process (collections page) and the worker both touch vectors, and embedded Chroma
belongs to one process: so they share a ``chroma run`` server over the data directory's store.
Works from a checkout and from an installed wheel alike (no manage.py, no source tree needed).
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

from fomo import launcher, paths

HOST = "127.0.0.1"
DEMO_USER, DEMO_PASSWORD = "demo", "demo-pass-123"


def port() -> int:
    return int(os.environ.get("FOMO_PORT", "8000"))


def main() -> int:
    """Run the stack in the foreground; 0 after a Ctrl-C/SIGTERM, 1 if a process died on its own."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")
    data_dir = paths.data_dir()
    env["FOMO_DATA_DIR"] = str(data_dir)
    web_port = port()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started: list[subprocess.Popen[bytes]] = []
    redis_url = env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    t0 = time.monotonic()
    try:
        # SIGTERM (make, a supervisor, the install bench) stops it like Ctrl-C, also mid-start.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        if not launcher.redis_answers(redis_url):
            redis_port = launcher.free_port()
            print(f"No Redis answers on {redis_url}; starting one on 127.0.0.1:{redis_port}")
            started.append(launcher.start_redis(redis_port, data_dir / "redis"))
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        subprocess.run(launcher.django_command("migrate", "--noinput", "-v", "0"),
                       cwd=launcher.ROOT, env=env, check=True)
        subprocess.run(launcher.django_command("seed_demo", DEMO_USER, DEMO_PASSWORD),
                       cwd=launcher.ROOT, env=env, check=True)
        t0 = time.monotonic()
        if not env.get("CHROMA_URL", "").strip():
            chroma_port = launcher.free_port()
            started.append(launcher.start_chroma(data_dir / "chroma", chroma_port, log=logs / "chroma.log"))
            env["CHROMA_URL"] = f"http://127.0.0.1:{chroma_port}"
        started.append(launcher.start_worker(env, log=logs / "worker.log"))
        started.append(launcher.start_daphne(env, web_port, log=logs / "web.log"))
        launcher.wait_for(lambda: launcher.http_ok(f"http://{HOST}:{web_port}/healthz"), 60, "fomo to be healthy")
        print(f"\nfomo is up in {time.monotonic() - t0:.1f}s: http://{HOST}:{web_port}/", flush=True)
        print(f"Log in as {DEMO_USER} / {DEMO_PASSWORD}   (logs in {logs}; Ctrl-C stops everything)\n", flush=True)
        while all(p.poll() is None for p in started):
            time.sleep(0.5)
        print("A process stopped unexpectedly; see the logs. Stopping the rest.")
        return 1
    except KeyboardInterrupt:
        print("\nStopping…")
        return 0
    finally:
        # A second signal (make passes SIGTERM on to its children as well; an impatient second
        # Ctrl-C) must not cut the clean-up short and leave Chroma or the worker running.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for proc in reversed(started):
            launcher.stop(proc)
