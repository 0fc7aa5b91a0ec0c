"""The start-up checks are registered when Django starts (FomoConfig.ready), not when something
happens to import the URL conf: ``manage.py check`` in a fresh process runs them."""
from __future__ import annotations

import os
import subprocess

from fomo import launcher


def manage_check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "FOMO_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fomo.settings", **env}
    full.pop("FOMO_ENCRYPTION_KEYS", None)
    return subprocess.run([launcher.PYTHON, "manage.py", "check"], cwd=launcher.ROOT, env=full,
                          capture_output=True, text=True, timeout=120)


def test_manage_py_check_refuses_a_wildcard_host_with_debug_off(tmp_path):
    done = manage_check(tmp_path, DEBUG="0", ALLOWED_HOSTS="*")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "fomo.E001" in done.stderr, done.stderr[-2000:]


def test_manage_py_check_passes_with_named_hosts(tmp_path):
    done = manage_check(tmp_path, DEBUG="0", ALLOWED_HOSTS="fomo.example.com")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fomo.E001" not in done.stderr
