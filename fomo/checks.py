"""Production settings checked at start-up (every ``manage.py`` command, ``check --deploy``); registered
by :class:`fomo.apps.FomoConfig` when Django starts.

* ``fomo.E001``: ``DEBUG`` off with ``ALLOWED_HOSTS`` containing ``*`` is refused.
* ``fomo.E002`` / ``fomo.W002``: Redis must not evict keys (``maxmemory-policy noeviction``): an
  evicted Celery message or lease key is a lost run. An error with ``DEBUG`` off, a warning with it on.
* ``fomo.W003``: Redis did not answer, so the policy could not be checked.
* ``fomo.E004`` / ``fomo.W004``: the encryption keys are malformed, or missing while credentials are
  stored (the key file was lost: those secrets are gone). An error with ``DEBUG`` off.
* ``fomo.E005`` / ``fomo.W005``: the key changed: a stored credential, or the verification token kept
  in ``<FOMO_DATA_DIR>/encryption_key_check``, no longer decrypts with any configured key.
* ``fomo.W006``: ``DEBUG`` off with PostgreSQL but no ``FOMO_ENCRYPTION_KEYS``: each machine would make a
  key file of its own, and credentials saved on one would not decrypt on another.

The worker runs the key checks as it starts (fomo/celery.py) and refuses to start on an error: it is
the process that decrypts.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning


def allowed_hosts_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not settings.DEBUG and "*" in settings.ALLOWED_HOSTS:
        return [Error("ALLOWED_HOSTS contains '*' while DEBUG is off",
                      hint="List the host names fomo is served under, e.g. ALLOWED_HOSTS=fomo.example.com",
                      id="fomo.E001")]
    return []


def redis_policy(url: str) -> str | None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return str(client.config_get("maxmemory-policy").get("maxmemory-policy"))
    finally:
        client.close()


def redis_eviction_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    try:
        policy = redis_policy(settings.REDIS_URL)
    except Exception as exc:  # unreachable, or CONFIG disabled on a managed Redis
        return [Warning(f"could not read Redis maxmemory-policy at start-up ({type(exc).__name__})",
                        hint="Make sure the Redis server uses maxmemory-policy noeviction.", id="fomo.W003")]
    if policy in (None, "None", "noeviction"):
        return []
    msg = f"Redis maxmemory-policy is {policy!r}: queued runs and leases could be evicted"
    hint = "Set maxmemory-policy noeviction (redis.conf or CONFIG SET maxmemory-policy noeviction)."
    return [Error(msg, hint=hint, id="fomo.E002") if not settings.DEBUG else Warning(msg, hint=hint, id="fomo.W002")]


KEY_CHECK_FILE = "encryption_key_check"
KEY_CHECK_PLAINTEXT = b"fomo: this token verifies the encryption key"


def key_check_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_CHECK_FILE


def _configured_keys() -> list[bytes] | None:
    """The keys from the environment or the key file, or None when neither exists yet (the
    first use will generate the file). Raises EncryptionKeyError when they are malformed."""
    from builder import credentials

    env = os.environ.get("FOMO_ENCRYPTION_KEYS", "").strip()
    if env:
        return credentials._parse_keys(env)
    path = credentials.key_file()
    if not path.exists():
        return None
    parsed = credentials._parse_keys(path.read_text())
    if not parsed:
        raise credentials.EncryptionKeyError(f"{path} holds no encryption key")
    return parsed


def _stored_secret() -> tuple[str, str] | None:
    """(name, token) of the newest stored credential, or None (none, or no table yet)."""
    from builder.models import Credential

    try:
        row = Credential.objects.order_by("-updated_at", "-pk").values_list("name", "secret_encrypted").first()
    except Exception:  # the database is not migrated or not reachable: other checks say so
        return None
    return (str(row[0]), str(row[1])) if row else None


def _decrypts(keys: list[bytes], token: bytes) -> bool:
    from cryptography.fernet import Fernet, InvalidToken, MultiFernet

    try:
        MultiFernet([Fernet(k) for k in keys]).decrypt(token)
        return True
    except (InvalidToken, ValueError, TypeError):
        return False


def _write_key_check(first_key: bytes) -> None:
    from cryptography.fernet import Fernet

    path = key_check_file()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keycheck-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet(first_key).encrypt(KEY_CHECK_PLAINTEXT) + b"\n")
    os.replace(tmp, path)


def _level(msg: str, hint: str, error_id: str) -> CheckMessage:
    warn_id = error_id.replace(".E", ".W")
    return Warning(msg, hint=hint, id=warn_id) if settings.DEBUG else Error(msg, hint=hint, id=error_id)


def encryption_key_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    from builder.credentials import EncryptionKeyError

    found: list[Any] = []
    from_env = bool(os.environ.get("FOMO_ENCRYPTION_KEYS", "").strip())
    source = "FOMO_ENCRYPTION_KEYS" if from_env else "the key file"
    if not from_env and not settings.DEBUG and not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        found.append(Warning("FOMO_ENCRYPTION_KEYS is not set while the database is shared: each machine would "
                             "make a key file of its own, and credentials saved through one would not decrypt "
                             "on another", hint="Set the same FOMO_ENCRYPTION_KEYS on every machine.", id="fomo.W006"))
    try:
        keys = _configured_keys()
    except EncryptionKeyError as exc:
        return [*found, _level(f"the encryption keys are unusable: {exc}",
                       "FOMO_ENCRYPTION_KEYS holds comma-separated Fernet keys "
                       "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')",
                       "fomo.E004")]
    stored = _stored_secret()
    if keys is None:
        if stored is not None:
            found.append(_level(
                f"no encryption key is configured, but credentials are stored (e.g. {stored[0]!r}): the key "
                "that encrypted them is missing, so none of them can be used",
                f"Set FOMO_ENCRYPTION_KEYS, or restore {Path(settings.DATA_DIR) / 'encryption_keys'}.", "fomo.E004"))
        return found
    hint = ("Configure the key they were encrypted with (keep old keys after the new one in "
            "FOMO_ENCRYPTION_KEYS), then run manage.py rotate_encryption_key.")
    if stored is not None and not _decrypts(keys, stored[1].encode()):
        found.append(_level(f"the encryption key changed: the stored credential {stored[0]!r} cannot be "
                            f"decrypted with {source}", hint, "fomo.E005"))
        return found
    path = key_check_file()
    try:
        token = path.read_bytes().strip() if path.exists() else None
    except OSError:
        token = None
    if token is not None and not _decrypts(keys, token):
        found.append(_level(f"the encryption key changed: {path} was made with a key that {source} no longer "
                            "holds", hint + f" If the old key is truly gone, delete {path}.", "fomo.E005"))
        return found
    if token is None or not _decrypts(keys[:1], token):
        with contextlib.suppress(OSError):  # remember (or, after a rotation, re-remember) the current key
            _write_key_check(keys[0])
    return found


def startup_key_errors() -> list[str]:
    """The key checks' errors as messages, for processes that do not run Django's checks."""
    return [f"{m.id}: {m.msg} HINT: {m.hint}" for m in encryption_key_check() if m.is_serious()]
