"""A fresh install from the wheel, with no checkout and no node: build the wheel from a copy of the
working tree (with the built canvas, static/app/, when `make frontend` has run), install it
runtime-only into a temporary venv (requirements.lock as constraints, requirements-nodeps.txt
with --no-deps), then from an empty directory run ``fomo --help``, ``fomo migrate`` and
``fomo up`` (its own Redis, queue and channel prefix; GET /healthz, the login page and the canvas
bundle; stopped by PID). Everything goes in one temp dir, removed at the end.

Prints JSON lines: install_venv_mb (du of the venv), install_seconds (venv + pip installs; warm
pip caches make it shorter than a first install), up_seconds (``fomo up`` to a healthy /healthz).
Run: ``.venv/bin/python bench/install_bench.py`` from the repository root (needs PyPI or a warm
pip cache for the packages; the wheel build fetches setuptools>=69 into its isolated env).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fomo import launcher  # noqa: E402

ROOT = launcher.ROOT
# What a wheel build never needs from the working tree.
IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "data", "build", "test-artifacts", "*.egg-info",
                                "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "frontend")


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({done.returncode}):\n{done.stdout[-2000:]}"
                         f"\n{done.stderr[-4000:]}")
    return done  # type: ignore[no-any-return]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return int(resp.status)
    except Exception as exc:  # noqa: BLE001 - an HTTPError has a code; anything else is "no answer"
        return int(getattr(exc, "code", 0))


def build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    if not (src / "static" / "app").is_dir():
        print("# static/app/ is missing (no `make frontend`): the wheel will lack the canvas", file=sys.stderr)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(tmp / "wheel")])
    return next((tmp / "wheel").glob("fomo-*.whl"))


def install(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    pip = str(venv / "bin" / "pip")
    run([pip, "install", "-q", "-c", str(ROOT / "requirements.lock"), str(wheel)])
    run([pip, "install", "-q", "--no-deps", "-r", str(ROOT / "requirements-nodeps.txt")])
    return venv


def smoke_up(fomo: str, env: dict[str, str], cwd: Path) -> float:
    """``fomo up`` to a healthy stack, a few pages, then SIGTERM; its seconds to healthy."""
    port = launcher.free_port()
    env = {**env, "FOMO_PORT": str(port)}
    log = open(cwd / "up.log", "wb")  # noqa: SIM115 - closed below
    started = time.monotonic()
    proc = subprocess.Popen([fomo, "up"], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        launcher.wait_for(lambda: proc.poll() is None and launcher.http_ok(f"{base}/healthz"), 180,
                          "fomo up from the wheel", interval=0.2)
        up_seconds = time.monotonic() - started
        for path in ("/login/", "/static/app/fomo.js", "/static/embed/widget.js"):
            code = status(base + path)
            if code != 200:
                raise SystemExit(f"GET {path} from the wheel install answered {code}")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        return up_seconds
    except BaseException:
        print((cwd / "up.log").read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        launcher.stop(proc)  # no-op once it has stopped; else its whole group, by PID
        log.close()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-install-"))
    try:
        wheel = build_wheel(tmp)
        t0 = time.monotonic()
        venv = install(tmp, wheel)
        install_seconds = time.monotonic() - t0
        mb = int(run(["du", "-sm", str(venv)]).stdout.split()[0])
        work = tmp / "elsewhere"  # no checkout around: templates/static must come from the wheel
        work.mkdir()
        tag = f"install-bench-{os.getpid()}"
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp / "home"), "LANG": "C.UTF-8",
               "FOMO_DATA_DIR": str(tmp / "data"), "HF_HUB_OFFLINE": "1",
               # its own Redis (nothing answers here), queue and channel prefix: no crosstalk
               "REDIS_URL": f"redis://127.0.0.1:{launcher.free_port()}/0",
               "FOMO_QUEUE": tag, "FOMO_CHANNEL_PREFIX": tag}
        fomo = str(venv / "bin" / "fomo")
        if "createuser" not in run([fomo, "--help"], cwd=work, env=env).stdout:
            raise SystemExit("fomo --help does not list its commands")
        run([fomo, "migrate"], cwd=work, env=env)
        up_seconds = smoke_up(fomo, env, work)
        print(json.dumps({"name": "install_venv_mb", "value": mb, "unit": "MB"}))
        print(json.dumps({"name": "install_seconds", "value": round(install_seconds, 1), "unit": "s"}))
        print(json.dumps({"name": "install_up_seconds", "value": round(up_seconds, 1), "unit": "s"}))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
