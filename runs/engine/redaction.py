"""Known secrets out of everything a node hands back: outputs, streamed tokens, errors.

A server can reflect what it was sent (an echo endpoint returns its request headers; a hostile
"model" repeats its ``Authorization`` header), and whatever a node returns goes into the run's
trace, which viewers and share links read. The host adds the value of every credential it
resolves during a run to a :class:`Redactor` (``services.redactor``); the engine passes each
node's outputs, tokens and error message through it before they go anywhere. Plain Python.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted credential]"
MIN_SECRET_CHARS = 4  # shorter values cannot be told apart from ordinary text


class Redactor:
    """The secrets one run has resolved, and the way to take them out of values."""

    def __init__(self) -> None:
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        """Remember ``secret`` (ignored when too short to redact safely)."""
        if not secret or len(secret) < MIN_SECRET_CHARS:
            return
        with self._lock:
            if secret not in self._secrets:
                # Longest first, so a secret that contains another is replaced whole.
                self._secrets = tuple(sorted((*self._secrets, secret), key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def text(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def value(self, value: Any) -> Any:
        """``value`` with every known secret replaced in its strings (keys too), at any depth.
        Returns the very same object when there is nothing to replace."""
        if not self._secrets:
            return value
        return self._walk(value, self._secrets)[0]

    def _walk(self, value: Any, secrets: tuple[str, ...]) -> tuple[Any, bool]:
        kind = type(value)
        if kind is str:
            if any(s in value for s in secrets):
                return self.text(value), True
            return value, False
        if value is None or kind is int or kind is float or kind is bool:
            return value, False
        if isinstance(value, (list, tuple)):
            items = [self._walk(v, secrets) for v in value]
            if any(changed for _, changed in items):
                return [v for v, _ in items], True
            return value, False
        if isinstance(value, Mapping):
            pairs = [(self._walk(k, secrets), self._walk(v, secrets)) for k, v in value.items()]
            if any(kc or vc for (_, kc), (_, vc) in pairs):
                return {k: v for (k, _), (v, _) in pairs}, True
            return value, False
        if isinstance(value, str):  # a str subclass
            return self._walk(str(value), secrets)
        return value, False
