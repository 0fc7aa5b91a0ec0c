"""What the LLM stub says: deterministic answers and vectors, SSE frames and error bodies in
each provider's shape. Pure functions, no server."""
from __future__ import annotations

import hashlib
import json
from typing import Any

EMBED_DIMS = 8


def reply_tokens(model: str, messages: list[dict[str, Any]] | None) -> list[str]:
    """The answer, as tokens whose concatenation is the reply text."""
    last = ""
    for message in reversed(messages or []):
        if message.get("role") == "user":
            last = _text_of(message.get("content"))
            break
    words = list(reversed(last.split())) or ["(empty)"]
    parts = [f"[{model}]"] + words
    return [p if i == len(parts) - 1 else p + " " for i, p in enumerate(parts)]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return ""


def _count_words(messages: list[dict[str, Any]] | None, system: Any = None) -> int:
    total = len(_text_of(system).split()) if system else 0
    for message in messages or []:
        total += len(_text_of(message.get("content")).split())
    return total


def fake_vector(text: str, dims: int = EMBED_DIMS) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    raw = [(digest[i % len(digest)] - 127.5) / 127.5 for i in range(dims)]
    norm = sum(x * x for x in raw) ** 0.5 or 1.0
    return [x / norm for x in raw]


def _apply_limits(tokens: list[str], max_tokens: int | None, stop: list[str] | None) -> tuple[list[str], str]:
    finish = "stop"
    if stop:
        kept: list[str] = []
        for tok in tokens:
            if any(s in tok for s in stop):
                return kept, "stop_sequence"
            kept.append(tok)
    if max_tokens is not None and len(tokens) > max_tokens:
        return tokens[:max_tokens], "length"
    return tokens, finish


def _sse_frame(event: str | None, data: dict[str, Any] | str) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def _error_body(path: str, status: int) -> dict[str, Any]:
    message = f"stub fault: HTTP {status}"
    if path.startswith("/v2/"):
        return {"message": message}
    if path == "/v1/messages":
        kind = {401: "authentication_error", 429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": "stub_fault", "code": status}}
