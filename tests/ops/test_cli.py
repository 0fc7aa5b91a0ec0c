"""The ``fomo`` command (fomo/cli.py) in a fresh process, from an empty directory: no manage.py, no
checkout around it (what a wheel install gets; bench/install_bench.py runs the wheel itself)."""
from __future__ import annotations

import os
import subprocess

from fomo import launcher


def fomo(tmp_path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FOMO_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(launcher.ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the command sets it itself
    return subprocess.run([launcher.PYTHON, "-m", "fomo.cli", *args], cwd=tmp_path, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_fomo_help_lists_its_commands(tmp_path):
    done = fomo(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    for command in ("up", "web", "worker", "migrate", "createuser", "manage"):
        assert command in done.stdout


def test_fomo_migrate_then_createuser_creates_a_user_with_a_good_password(tmp_path):
    assert fomo(tmp_path, "migrate").returncode == 0
    done = fomo(tmp_path, "createuser", "carol", "--password-stdin", stdin="a-long-unusual-phrase-91\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "created carol"
    again = fomo(tmp_path, "createuser", "carol", "--password-stdin", stdin="another-long-phrase-27\n")
    assert again.stdout.strip() == "updated carol", again.stderr


def test_fomo_createuser_refuses_a_password_the_validators_reject_and_writes_nothing(tmp_path):
    assert fomo(tmp_path, "migrate").returncode == 0
    done = fomo(tmp_path, "createuser", "dave", "--password-stdin", stdin="12345\n")
    assert done.returncode == 1
    assert "password for dave refused" in done.stderr and "too short" in done.stderr
    assert "Traceback" not in done.stderr
    listed = fomo(tmp_path, "manage", "shell", "-v", "0", "-c",
                  "from django.contrib.auth.models import User; print(User.objects.filter(username='dave').count())")
    assert listed.stdout.strip() == "0", listed.stderr
