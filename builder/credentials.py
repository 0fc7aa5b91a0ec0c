"""Stored provider credentials: encrypted at rest, write-only, resolved inside the worker.

A :class:`Credential` belongs to one workspace. Its secret is a Fernet token made with the
first of the encryption keys (``FOMO_ENCRYPTION_KEYS``, comma-separated, newest first; else
``<FOMO_DATA_DIR>/encryption_keys``, generated with mode 0600 on first use). Every key in the
list decrypts, so rotation is: put a new key first, then ``manage.py rotate_encryption_key``
re-encrypts every secret with it.

Only :func:`resolve_credential` and :func:`aresolve_credential` (run time, in the worker) ever
decrypt; API responses carry the masked ``hint`` and nothing else derived from the secret.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import close_old_connections

from builder.models import Credential
from builder.providers.base import ProviderError

KEY_FILE_NAME = "encryption_keys"

# ---------------------------------------------------------------- keys


class EncryptionKeyError(Exception):
    """The encryption keys are missing or malformed."""


_keys_lock = threading.Lock()
_keys_cache: tuple[tuple[Any, ...], list[bytes]] | None = None  # (source stamp, keys)


def key_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def _parse_keys(text: str) -> list[bytes]:
    keys = [k.strip().encode() for k in text.replace("\n", ",").split(",") if k.strip()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise EncryptionKeyError("an encryption key is not a valid Fernet key (32 url-safe base64 bytes)") from exc
    return keys


def _create_key_file(path: Path) -> None:
    """Write a fresh key to ``path`` unless it exists: written to a 0600 temp file first, then
    linked into place, so concurrent processes agree on one key and never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, Fernet.generate_key() + b"\n")
        os.fsync(fd)
        os.close(fd)
        with contextlib.suppress(FileExistsError):  # another process won the race; use its key
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def keys() -> list[bytes]:
    """The encryption keys, newest (the one that encrypts) first."""
    global _keys_cache
    env = os.environ.get("FOMO_ENCRYPTION_KEYS", "").strip()
    with _keys_lock:
        if env:
            stamp: tuple[Any, ...] = ("env", env)
            if _keys_cache is None or _keys_cache[0] != stamp:
                _keys_cache = (stamp, _parse_keys(env))
            return _keys_cache[1]
        path = key_file()
        if not path.exists():
            _create_key_file(path)
        st = path.stat()
        stamp = ("file", str(path), st.st_mtime_ns, st.st_size)
        if _keys_cache is None or _keys_cache[0] != stamp:
            parsed = _parse_keys(path.read_text())
            if not parsed:
                raise EncryptionKeyError(f"{path} holds no encryption key")
            _keys_cache = (stamp, parsed)
        return _keys_cache[1]


def fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys()])


def add_key_to_file() -> Path:
    """Put a new key first in the data directory's key file (older keys stay, to decrypt)."""
    path = key_file()
    old = path.read_text() if path.exists() else ""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(Fernet.generate_key() + b"\n" + old.encode())
    os.replace(tmp, path)
    return path


def encrypt(secret: str) -> str:
    return fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionKeyError("a stored secret cannot be decrypted with the configured keys") from None


def mask(secret: str) -> str:
    """``sk-…abcd``: the prefix up to the first dash (short keys show less), then the last four."""
    secret = secret.strip()
    if len(secret) < 12:
        return "…" + secret[-2:] if len(secret) >= 8 else "…"
    head = secret.split("-", 1)[0] + "-" if "-" in secret[:8] else ""
    return f"{head}…{secret[-4:]}"


def set_secret(credential: Credential, secret: str) -> None:
    """Store ``secret`` on the (unsaved) row: encrypted with the newest key, and its masked hint."""
    credential.secret_encrypted = encrypt(secret)
    credential.hint = mask(secret)


def secret_of(credential: Credential) -> str:
    """The secret in the clear, for checks and tests; a run gets it through :func:`resolve_credential`."""
    return decrypt(credential.secret_encrypted)


def rotate_all() -> int:
    """Re-encrypt every stored secret with the newest key; returns how many were rewritten."""
    multi = fernet()
    count = 0
    for pk, token in Credential.objects.values_list("pk", "secret_encrypted").iterator():
        Credential.objects.filter(pk=pk, secret_encrypted=token).update(
            secret_encrypted=multi.rotate(token.encode()).decode())
        count += 1
    return count


# ---------------------------------------------------------------- run time

_lookup_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fomo-cred")
_SAME_PROTOCOL = {"openai": "openai", "openai_compatible": "openai"}


def _not_found() -> ProviderError:
    return ProviderError("credential not found in this workspace", kind="auth", retryable=False)


def _lookup(workspace_id: int, credential_id: str, provider: str) -> tuple[str, str]:
    try:
        pk = int(str(credential_id).strip())
    except ValueError:
        raise _not_found() from None
    row = Credential.objects.filter(pk=pk, workspace_id=workspace_id).values_list(
        "provider", "secret_encrypted", "base_url").first()
    if row is None:
        raise _not_found()
    cred_provider, token, base_url = row
    if _SAME_PROTOCOL.get(cred_provider, cred_provider) != _SAME_PROTOCOL.get(provider, provider):
        raise ProviderError(f"this credential is for {cred_provider}, not {provider}", kind="auth", retryable=False)
    try:
        return decrypt(token), base_url
    except EncryptionKeyError as exc:
        raise ProviderError(f"credential cannot be used: {exc}", kind="auth", retryable=False) from None


def _lookup_in_pool(workspace_id: int, credential_id: str, provider: str) -> tuple[str, str]:
    try:
        return _lookup(workspace_id, credential_id, provider)
    finally:
        close_old_connections()  # this thread's own connection; never the caller's


def resolve_credential(workspace_id: int, credential_id: str, provider: str,
                       base_url: str | None) -> tuple[str, str | None]:
    """(api key, base url) for a node's credential reference, checked against the run's workspace.

    The node's base URL is never used with a stored key: the key goes to the credential's own
    base URL, or to the provider's official host. Raises :class:`ProviderError` (kind ``auth``) when
    the credential is not in this workspace, is for another provider, or cannot be decrypted.
    Blocking: on an event loop, await :func:`aresolve_credential` instead (this refuses to run
    there, so a slow look-up can never hold the loop).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        key, stored_url = _lookup(workspace_id, credential_id, provider)
        return _confined(key, stored_url, provider)
    raise RuntimeError("resolve_credential blocks; on an event loop, await aresolve_credential")


async def aresolve_credential(workspace_id: int, credential_id: str, provider: str,
                              base_url: str | None) -> tuple[str, str | None]:
    """:func:`resolve_credential` for the worker's event loop: the query runs on the look-up
    thread (with a database connection of its own) while the loop goes on with other work."""
    key, stored_url = await asyncio.wrap_future(
        _lookup_pool.submit(_lookup_in_pool, workspace_id, credential_id, provider))
    return _confined(key, stored_url, provider)


def _confined(key: str, stored_url: str | None, provider: str) -> tuple[str, str | None]:
    # A stored key only ever travels to the credential's own server (or the provider's official
    # one): a node's base URL could otherwise send a teammate's key to any host.
    if stored_url:
        return key, stored_url
    if provider == "openai_compatible":
        raise ProviderError("This credential has no base URL; set one on the credential so its key is only "
                            "sent to that server.", kind="auth", retryable=False)
    return key, None
