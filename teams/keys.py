"""Making and checking the secrets handed out by this app. Only hashes are stored."""
from __future__ import annotations

import hashlib
import secrets


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link_token() -> tuple[str, str]:
    """A high-entropy token for invite and share links and its hash."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def new_api_token() -> tuple[str, str, str]:
    """``fomo_<prefix>_<secret>``, its visible prefix and its hash. The prefix has no ``_``."""
    prefix = secrets.token_hex(4)
    token = f"fomo_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, digest(token)


def split_api_token(token: str) -> str | None:
    """The prefix of a well-formed API token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "fomo" or len(parts[1]) != 8 or not parts[2]:
        return None
    return parts[1]
