"""`make up`: seed the demo, start Redis if none answers, a Chroma server unless ``CHROMA_URL``
names one, a Celery worker and daphne, print the URL and the demo login, and stop everything it
started on Ctrl-C.

The web process (collections page) and the worker both touch vectors, and embedded Chroma
belongs to one process: so they share a ``chroma run`` server over the data directory's store."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fomo import launcher  # noqa: E402

HOST, PORT = "127.0.0.1", int(os.environ.get("FOMO_PORT", "8000"))
DEMO_USER, DEMO_PASSWORD = "demo", "demo-pass-123"


def main() -> int:
    env = dict(os.environ)
    data_dir = Path(env.setdefault("FOMO_DATA_DIR", str(launcher.ROOT / "data")))
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started: list[subprocess.Popen[bytes]] = []
    redis_url = env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    t0 = time.monotonic()
    try:
        if not launcher.redis_answers(redis_url):
            port = launcher.free_port()
            print(f"No Redis answers on {redis_url}; starting one on 127.0.0.1:{port}")
            started.append(launcher.start_redis(port, data_dir / "redis"))
            env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        subprocess.run([launcher.PYTHON, "manage.py", "seed_demo", DEMO_USER, DEMO_PASSWORD],
                       cwd=launcher.ROOT, env=env, check=True)
        t0 = time.monotonic()
        if not env.get("CHROMA_URL", "").strip():
            port = launcher.free_port()
            started.append(launcher.start_chroma(data_dir / "chroma", port, log=logs / "chroma.log"))
            env["CHROMA_URL"] = f"http://127.0.0.1:{port}"
        started.append(launcher.start_worker(env, log=logs / "worker.log"))
        started.append(launcher.start_daphne(env, PORT, log=logs / "web.log"))
        launcher.wait_for(lambda: launcher.http_ok(f"http://{HOST}:{PORT}/healthz"), 60, "fomo to be healthy")
        print(f"\nfomo is up in {time.monotonic() - t0:.1f}s: http://{HOST}:{PORT}/")
        print(f"Log in as {DEMO_USER} / {DEMO_PASSWORD}   (logs in {logs}; Ctrl-C stops everything)\n")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
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


if __name__ == "__main__":
    sys.exit(main())
