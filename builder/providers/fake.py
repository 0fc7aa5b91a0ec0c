"""The offline, deterministic provider: tests, benchmarks and a first run before any key is set.

Chat replies are a pure function of (model, messages, params): ``fake-small`` answers with a
short "Summary of: <first words>..." plus one hash-chosen sentence, ``fake-large`` with a longer
answer, any other model name with its own variation. Replies stream word by word through
``on_token``; ``params.extra["latency_ms"]`` is the total simulated latency, spread over the
stream (no sleeping at all when it is 0). Usage is counted with :mod:`builder.tokens`.

A classifier prompt (a system message listing ``Categories:`` as ``- name: description`` lines, as
``router.classify`` sends) is answered with the category sharing the most content words (crudely
stemmed) with the user's text (its name counts too), or "none" when no category shares a word, so routing by model works
offline and predictably.

Test hooks, written into the last user message:
  ``[[fake:fail:<kind>]]``           every call fails with ``ProviderError(kind)``;
  ``[[fake:fail_times:<n>:<kind>]]`` the first ``n`` calls with that prompt (per process) fail;
  ``[[fake:kill]]``                  the process exits at once (``os._exit(137)``), as if the kernel
                                     killed it; only when ``FOMO_ALLOW_KILL_HOOK=1`` (chaos tests).
Retryable kinds are rate_limit, server, timeout, connection and stream_cut.

If the environment variable ``FOMO_FAKE_CALL_LOG`` names a file, each chat call appends one
JSON line ``{"model", "last_user", "pid", "ts"}`` to it (one ``O_APPEND`` write, safe across processes).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import random
import re
import time
import zlib
from collections import Counter
from typing import Any

from builder import tokens
from builder.providers.base import ChatParams, ChatResult, EmbedResult, OnToken, ProviderError, Usage, clip

RETRYABLE_KINDS = frozenset({"rate_limit", "server", "timeout", "connection", "stream_cut"})
EMBED_DIMS = 64

_SENTENCES = (
    "The main point is that the team agreed on the next steps.",
    "Several open questions remain and need an owner.",
    "The discussion favoured a simple, incremental approach.",
    "Costs and timelines were the recurring concerns.",
    "A decision was postponed until more data is available.",
    "Everyone agreed the current process works well enough.",
    "The risks were named and a mitigation was proposed.",
    "Customer feedback shaped most of the conclusions.",
    "The proposal was accepted with minor changes.",
    "Follow-up actions were assigned with clear deadlines.",
    "The evidence points in one direction, with caveats.",
    "Priorities shifted toward reliability over new features.",
)

_HOOK = re.compile(r"\[\[fake:(fail|fail_times):(?:(\d+):)?([a-z_]+)\]\]")
_failures_seen: Counter[str] = Counter()


def _digest(*parts: str) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.digest()


def _last_user(messages: list[dict[str, str]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return str(message.get("content", ""))
    return str(messages[-1].get("content", "")) if messages else ""


def _log_call(model: str, last_user: str) -> None:
    path = os.environ.get("FOMO_FAKE_CALL_LOG")
    if not path:
        return
    line = json.dumps({"model": model, "last_user": last_user, "pid": os.getpid(), "ts": time.time()},
                      ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8", "surrogatepass"))
    finally:
        os.close(fd)


def _check_hooks(last_user: str) -> None:
    if "[[fake:kill]]" in last_user and os.environ.get("FOMO_ALLOW_KILL_HOOK") == "1":
        os._exit(137)  # a poison step: the worker dies mid-run, every time (chaos suite only)
    match = _HOOK.search(last_user)
    if not match:
        return
    mode, times, kind = match.groups()
    if mode == "fail_times":
        key = hashlib.sha1(last_user.encode("utf-8", "surrogatepass")).hexdigest()
        if _failures_seen[key] >= int(times or 1):
            return
        _failures_seen[key] += 1
    raise ProviderError(f"fake provider: simulated {kind} failure", kind=kind, retryable=kind in RETRYABLE_KINDS,
                        status=429 if kind == "rate_limit" else None)


_CATEGORY = re.compile(r"^- ([A-Za-z_][A-Za-z0-9_]*)(?::\s*(.*))?$")
_WORD = re.compile(r"[a-z0-9]+")


_STOP = frozenset({"the", "and", "for", "with", "this", "that", "from", "into", "your", "you", "are", "was",
                   "were", "has", "have", "had", "not", "but", "can", "our", "its", "all", "any", "some",
                   "about", "when", "what", "which", "who", "will", "would", "there", "their", "them", "they"})


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> set[str]:
    """Content words, crudely stemmed ("charged", "charges" → "charg")."""
    return {_stem(w) for w in _WORD.findall(text.lower().replace("_", " ")) if len(w) > 2 and w not in _STOP}


def classify_reply(messages: list[dict[str, str]]) -> str | None:
    """The fake's answer to a classifier prompt, or None when ``messages`` hold none."""
    system = next((m.get("content", "") for m in messages if m.get("role") == "system"), "")
    if "\nCategories:\n" not in system:
        return None
    listed = system.split("\nCategories:\n", 1)[1].split("\n\n", 1)[0]
    asked = _words(_last_user(messages))
    best, best_score = "none", 0
    for line in listed.splitlines():
        match = _CATEGORY.match(line.strip())
        if match:
            score = len(asked & _words(f"{match.group(1)} {match.group(2) or ''}"))
            if score > best_score:
                best, best_score = match.group(1), score
    return best


def reply_for(model: str, messages: list[dict[str, str]], json_mode: bool = False) -> str:
    """The deterministic reply of ``model`` to ``messages`` (before max_tokens and stop)."""
    category = classify_reply(messages)
    if category is not None and not json_mode:
        return category
    last_user = _last_user(messages)
    digest = _digest(model, *(f"{m.get('role')}:{m.get('content')}" for m in messages))
    words = last_user.split()
    head = " ".join(words[:8]) + ("..." if len(words) > 8 else "")
    count = 3 if model == "fake-large" else 1
    picked = random.Random(digest).sample(_SENTENCES, count)
    if model == "fake-large":
        text = f"Detailed summary of: {head} " + " ".join(picked) + f" (reference {digest[:4].hex()})"
    elif model == "fake-small":
        text = f"Summary of: {head} " + picked[0]
    else:
        text = f"[{model}] Summary of: {head} " + picked[0]
    if json_mode:
        return json.dumps({"summary": text, "words": len(words), "model": model}, ensure_ascii=False)
    return text


class FakeChat:
    name = "fake"

    def __init__(self, name: str = "fake", **opts: Any) -> None:
        self.name = name
        self.opts = opts

    async def complete(self, messages: list[dict[str, str]], params: ChatParams,
                       on_token: OnToken | None = None, *, on_retry: Any = None) -> ChatResult:
        last_user = _last_user(messages)
        _log_call(params.model, last_user)
        _check_hooks(last_user)
        text, finish = clip(reply_for(params.model, messages, params.response_format == "json"), params)
        pieces = re.findall(r"\S+\s*", text) or ([text] if text else [])
        latency_s = max(0.0, float(params.extra.get("latency_ms", 0) or 0)) / 1000.0
        start = time.monotonic()
        for i, piece in enumerate(pieces):
            if latency_s > 0:
                # Sleep toward a schedule, not a fixed step, so the total matches the setting.
                delay = start + latency_s * (i + 1) / len(pieces) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            if on_token is not None:
                on_token(piece)
        if latency_s > 0 and not pieces:
            await asyncio.sleep(latency_s)
        prompt_tokens = sum(tokens.count_tokens(str(m.get("content", ""))) for m in messages)
        usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=tokens.count_tokens(text))
        return ChatResult(text=text, usage=usage, finish_reason=finish, model=params.model)


def embed_text(text: str, model: str = "fake-embed", dims: int = EMBED_DIMS) -> list[float]:
    """A unit vector from hashed character trigrams: texts sharing trigrams point the same way."""
    normalized = " " + " ".join(text.lower().split()) + " "
    salt = zlib.crc32(model.encode())
    vector = [0.0] * dims
    for i in range(len(normalized) - 2):
        h = zlib.crc32(normalized[i:i + 3].encode("utf-8", "surrogatepass"), salt)
        vector[h % dims] += 1.0 if (h >> 16) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0:
        vector[salt % dims] = 1.0
        return vector
    return [v / norm for v in vector]


class FakeEmbed:
    name = "fake"

    def __init__(self, name: str = "fake", dims: int = EMBED_DIMS, **opts: Any) -> None:
        self.name = name
        self.dims = dims

    async def embed(self, texts: list[str], model: str = "fake-embed", input_type: str | None = None) -> EmbedResult:
        vectors = [embed_text(t, model, self.dims) for t in texts]
        usage = Usage(prompt_tokens=sum(tokens.count_tokens(t) for t in texts))
        return EmbedResult(vectors=vectors, usage=usage, model=model)


def make_chat(name: str = "fake", api_key: str | None = None, base_url: str | None = None, **opts: Any) -> FakeChat:
    return FakeChat(name, **opts)


def make_embedder(name: str = "fake", api_key: str | None = None, base_url: str | None = None,
                  **opts: Any) -> FakeEmbed:
    return FakeEmbed(name, **opts)
