"""Config checks shared by every node that calls a model provider."""
from __future__ import annotations

from builder.providers.registry import PROVIDERS


def known_provider(value: str, kind: str) -> str:
    """``value`` if it names a provider offering ``kind`` ("chat" or "embeddings")."""
    known = sorted(name for name, p in PROVIDERS.items() if getattr(p, kind))
    if value not in known:
        label = "chat" if kind == "chat" else "embedding"
        raise ValueError(f"unknown {label} provider {value!r}; choose one of {', '.join(known)}")
    return value


def http_url(value: str | None) -> str | None:
    """An http(s) URL, or None for empty."""
    if value in (None, ""):
        return None
    assert value is not None
    if not value.startswith(("http://", "https://")):
        raise ValueError("base_url must start with http:// or https://")
    return value
