"""Start-up checks of the encryption key: a missing key while credentials are stored, malformed
keys, or a changed key (a stored credential or the data dir's verification token no longer
decrypts) fail fast: an error with DEBUG off, and a worker that refuses to start."""
from __future__ import annotations

import os
import subprocess

import pytest
from cryptography.fernet import Fernet

from builder.credentials import set_secret
from builder.models import Credential, Workspace
from fomo import checks, launcher

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def data_dir(tmp_path, settings, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.DEBUG = False
    monkeypatch.delenv("FOMO_ENCRYPTION_KEYS", raising=False)
    return tmp_path


def ids(found):
    return [m.id for m in found]


def store_credential(name: str = "main") -> Credential:
    cred = Credential(workspace=Workspace.objects.create(name="W"), provider="openai", name=name)
    set_secret(cred, "sk-test-abcdef123456")
    cred.save()
    return cred


def test_a_fresh_install_passes_and_then_remembers_its_key(data_dir, db, monkeypatch):
    assert checks.encryption_key_check() == []
    assert not checks.key_check_file().exists()  # nothing to remember before the first key exists
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_A)
    assert checks.encryption_key_check() == []
    assert checks.key_check_file().exists()


def test_a_changed_key_with_stored_credentials_is_an_error(data_dir, db, monkeypatch, settings):
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_A)
    store_credential("billing")
    assert checks.encryption_key_check() == []
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_B)
    found = checks.encryption_key_check()
    assert ids(found) == ["fomo.E005"] and "'billing'" in found[0].msg
    settings.DEBUG = True
    assert ids(checks.encryption_key_check()) == ["fomo.W005"]


def test_a_changed_key_without_credentials_is_caught_by_the_verification_token(data_dir, db, monkeypatch):
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_A)
    assert checks.encryption_key_check() == []
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_B)
    found = checks.encryption_key_check()
    assert ids(found) == ["fomo.E005"] and "encryption_key_check" in found[0].msg


def test_a_rotation_keeps_passing_and_moves_the_token_to_the_new_key(data_dir, db, monkeypatch):
    from builder.credentials import rotate_all

    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_A)
    store_credential()
    assert checks.encryption_key_check() == []
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", f"{KEY_B},{KEY_A}")  # the new key first, the old one kept
    assert checks.encryption_key_check() == []
    rotate_all()
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_B)  # the old key retired
    assert checks.encryption_key_check() == []


def test_a_missing_key_with_stored_credentials_is_an_error(data_dir, db):
    store_credential()  # generates the key file in the data dir
    assert checks.encryption_key_check() == []
    (data_dir / "encryption_keys").unlink()
    found = checks.encryption_key_check()
    assert ids(found) == ["fomo.E004"] and "missing" in found[0].msg


def test_malformed_keys_are_an_error(data_dir, db, monkeypatch):
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", "not-a-key")
    assert ids(checks.encryption_key_check()) == ["fomo.E004"]


def env_with_a_changed_key(tmp_path, **extra: str) -> dict[str, str]:
    """A data dir whose key check was written with KEY_A, and an environment that brings KEY_B."""
    (tmp_path / checks.KEY_CHECK_FILE).write_bytes(Fernet(KEY_A.encode()).encrypt(checks.KEY_CHECK_PLAINTEXT))
    return {**os.environ, "FOMO_DATA_DIR": str(tmp_path), "FOMO_ENCRYPTION_KEYS": KEY_B,
            "DJANGO_SETTINGS_MODULE": "fomo.settings", **extra}


def refusal_of(proc: subprocess.Popen[bytes], log, what: str) -> str:
    """The log of ``proc``, which must exit non-zero on its own within a minute."""
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        launcher.stop(proc)
        pytest.fail(f"{what} started with a changed key:\n{log.read_text()[-2000:]}")
    assert proc.returncode != 0
    return log.read_text()


def test_a_worker_refuses_to_start_with_a_changed_key(tmp_path, monkeypatch):
    monkeypatch.setenv("FOMO_ENCRYPTION_KEYS", KEY_A)
    env = env_with_a_changed_key(tmp_path, FOMO_QUEUE="fomo-keycheck-none")
    log = tmp_path / "worker.log"
    text = refusal_of(launcher.start_worker(env, concurrency=1, name="keycheck", log=log), log, "the worker")
    assert "fomo worker refuses to start" in text and "fomo.E005" in text, text[-2000:]
    assert "ready" not in text.split("refuses to start")[0][-500:]


def test_the_web_process_refuses_to_start_with_a_changed_key(tmp_path):
    log = tmp_path / "web.log"
    text = refusal_of(launcher.start_daphne(env_with_a_changed_key(tmp_path), launcher.free_port(), log=log),
                      log, "daphne")
    assert "fomo web refuses to start" in text and "fomo.E005" in text, text[-2000:]
