"""`make test`: make sure a Redis answers (start one on a free port if not), then run the whole
pytest suite: once on SQLite, and the database-facing part again on the local PostgreSQL when
one answers on 127.0.0.1:5432. Stops what it started."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fomo import launcher  # noqa: E402


def pytest(args: list[str], env: dict[str, str]) -> int:
    return subprocess.call([launcher.PYTHON, "-m", "pytest", *args], cwd=launcher.ROOT, env=env)


def main() -> int:
    env = dict(os.environ)
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    tmp = launcher.temp_dir("fomo-test-")
    env["FOMO_DATA_DIR"] = str(tmp / "data")
    env["TMPDIR"] = str(tmp)
    env["HF_HUB_OFFLINE"] = "1"
    # In-process tests that reach Celery use a queue of their own, never `make up`'s `fomo`.
    env.setdefault("FOMO_QUEUE", f"fomo-pytest-{os.getpid()}")
    env.setdefault("FOMO_CHANNEL_PREFIX", env["FOMO_QUEUE"])
    redis_proc = None
    try:
        if not launcher.redis_answers(env["REDIS_URL"]):
            port = launcher.free_port()
            print(f"No Redis answers on {env['REDIS_URL']}; starting one on port {port}")
            redis_proc = launcher.start_redis(port, tmp / "redis")
            env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        extra = sys.argv[1:]
        if extra:
            return pytest(["-q", *extra], env)
        # The browser tests run in a session of their own: Playwright's sync API keeps an event
        # loop running in the main thread for the whole session, which asyncio tests cannot share.
        code = pytest(["-q", "--ignore=tests/e2e"], env)
        code = pytest(["-q", "tests/e2e"], env) or code
        if code == 0 and launcher.port_open("127.0.0.1", 5432):
            print("\n== again on PostgreSQL (127.0.0.1:5432) ==")
            pg = dict(env, DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres", FOMO_TEST_PG="1")
            code = pytest(["-q", "-m", "postgres", "--ignore=tests/e2e"], pg)
        return code
    finally:
        launcher.forget_queue(env["REDIS_URL"], env["FOMO_QUEUE"])
        launcher.stop(redis_proc)
        subprocess.call(["rm", "-rf", str(tmp)])



if __name__ == "__main__":
    sys.exit(main())
