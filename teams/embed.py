"""The embeddable chat widget: publishable keys, which pipelines can chat, and one chat turn.

A key lets a page on one of its allowed origins send a message to one pipeline and read the
answer as it streams. The run is always of the pipeline's latest saved version, started in the
name of the key's creator, who must still be allowed to run pipelines in that workspace. Chat
sessions are scoped per key: the pipeline sees ``embed-<key id>-<visitor session>``.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from builder.interface import ChatContract, NotChat, chat_of_graph
from builder.models import Pipeline, PipelineVersion
from builder.policy import ALLOWED, Action, role_in
from fomo.errors import DomainError, Forbidden
from fomo.http import sse
from runs import transitions
from runs.live import CLOSED, KEEPALIVE, follow
from runs.models import Run
from teams.activity import record, runs_not_listed
from teams.auth import hit
from teams.models import EmbedKey

SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_MESSAGE_CHARS = 4000
MAX_ORIGINS = 20
RATE_WINDOW = 60
MAX_TURN_SECONDS = 300.0  # a turn whose run has not ended by then answers with an error


class NotAChat(DomainError):
    code = "not_a_chat"


class OriginNotAllowed(DomainError):
    status_code = 403
    code = "origin_not_allowed"


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, wait: float):
        super().__init__(f"Too many messages: try again in {int(wait)} s.", details={"retry_after": int(wait)})
        self.wait = wait


def chat_contract(graph: Any) -> ChatContract:
    """The chat contract of a graph document (builder.interface.chat_of_graph, the rule the
    playground reads too), or :class:`NotAChat` saying what is missing, its details naming the
    input, output or node."""
    chat = chat_of_graph(graph)
    if isinstance(chat, NotChat):
        raise NotAChat(chat.reason, details=chat.details)
    return chat


def normalize_origin(raw: Any) -> str:
    """``scheme://host[:port]`` as browsers send it in ``Origin`` (default ports dropped), or
    DomainError naming the bad value."""
    bad = DomainError(f"allowed_origins: “{raw}” is not an origin like https://example.com.", code="invalid",
                      details={"field": "allowed_origins", "value": raw})
    if not isinstance(raw, str):
        raise bad
    try:
        u = urlsplit(raw.strip())
        port = u.port
    except ValueError:
        raise bad from None
    if (u.scheme not in ("http", "https") or not u.hostname or u.path not in ("", "/") or u.query or u.fragment
            or u.username or u.password):
        raise bad
    host = f"[{u.hostname}]" if ":" in u.hostname else u.hostname
    default = 443 if u.scheme == "https" else 80
    return f"{u.scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def normalize_origins(raw: list[Any]) -> list[str]:
    if not raw:
        raise DomainError("allowed_origins: list at least one origin.", code="invalid",
                          details={"field": "allowed_origins"})
    if len(raw) > MAX_ORIGINS:
        raise DomainError(f"allowed_origins: at most {MAX_ORIGINS}.", code="invalid",
                          details={"field": "allowed_origins"})
    return list(dict.fromkeys(normalize_origin(o) for o in raw))


def origin_allowed(key: EmbedKey, origin: str | None, own_origin: str | None = None) -> bool:
    """Whether a request with this ``Origin`` header may use the key. ``own_origin`` is fomo's
    own, allowed for the iframe page it serves."""
    if not origin:
        return False
    try:
        origin = normalize_origin(origin)
    except DomainError:
        return False
    return origin in key.allowed_origins or (own_origin is not None and origin == own_origin)


def _new_key() -> str:
    return f"pk_fomo_{secrets.token_urlsafe(24)}"


def latest_version(pipeline: Pipeline) -> PipelineVersion:
    version = pipeline.versions.order_by("-number").first()
    if version is None:
        raise NotAChat("Save a version first: the widget always runs the latest saved version.", code="no_version")
    return version


def create_key(pipeline: Pipeline, actor: Any, data: dict[str, Any]) -> EmbedKey:
    chat_contract(latest_version(pipeline).graph)
    key = EmbedKey.objects.create(pipeline=pipeline, key=_new_key(), label=data.get("label", ""),
                                  allowed_origins=normalize_origins(data["allowed_origins"]),
                                  rate_per_minute=data.get("rate_per_minute", 20), created_by=actor)
    record(pipeline.workspace_id, actor, "created_embed_key", "pipeline", pipeline.pk,
           f"created a chat widget key for “{pipeline.name}”")
    return key


def key_of(pipeline: Pipeline, key_id: int, *, lock: bool = False) -> EmbedKey:
    rows = EmbedKey.objects.select_for_update() if lock else EmbedKey.objects
    key = rows.filter(pk=key_id, pipeline=pipeline).first()
    if key is None:
        raise Http404
    return key


def update_key(pipeline: Pipeline, key_id: int, data: dict[str, Any]) -> EmbedKey:
    with transaction.atomic():
        key = key_of(pipeline, key_id, lock=True)
        if "allowed_origins" in data:
            key.allowed_origins = normalize_origins(data["allowed_origins"])
        for field in ("label", "rate_per_minute"):
            if field in data:
                setattr(key, field, data[field])
        key.save(update_fields=["allowed_origins", "label", "rate_per_minute"])
    return key


def rotate_key(pipeline: Pipeline, key_id: int, actor: Any) -> EmbedKey:
    """A new key value; the old one stops working with this commit."""
    with transaction.atomic():
        key = key_of(pipeline, key_id, lock=True)
        if key.revoked:
            raise DomainError("This key is revoked; create a new one.", code="revoked")
        key.key, key.rotated_at = _new_key(), timezone.now()
        key.save(update_fields=["key", "rotated_at"])
        record(pipeline.workspace_id, actor, "rotated_embed_key", "pipeline", pipeline.pk,
               f"rotated a chat widget key of “{pipeline.name}”")
    return key


def revoke_key(pipeline: Pipeline, key_id: int, actor: Any) -> None:
    if not EmbedKey.objects.filter(pk=key_id, pipeline=pipeline).update(revoked=True):
        raise Http404
    record(pipeline.workspace_id, actor, "revoked_embed_key", "pipeline", pipeline.pk,
           f"revoked a chat widget key of “{pipeline.name}”")


def usable_key(raw: str) -> EmbedKey:
    """The live key for a raw value: unknown, rotated-away and revoked keys are not found."""
    key = EmbedKey.objects.select_related("pipeline", "created_by").filter(key=raw, revoked=False).first()
    if key is None:
        raise Http404
    return key


def check_rate(key: EmbedKey) -> None:
    wait = hit(f"embed:{key.pk}", key.rate_per_minute, RATE_WINDOW)
    if wait is not None:
        raise RateLimited(max(1.0, wait))


def start_chat(key: EmbedKey, message: str, session: str) -> tuple[Run, ChatContract]:
    """Start one chat turn: the latest version, with the message and the key-scoped session."""
    creator = key.created_by
    role = role_in(creator, key.pipeline.workspace_id) if creator is not None and creator.is_active else None
    if role not in ALLOWED[Action.RUN]:
        raise Forbidden("This chat is not available: its key's owner can no longer run this pipeline.")
    version = latest_version(key.pipeline)
    contract = chat_contract(version.graph)
    inputs = {contract.message: message}
    if contract.session:
        inputs[contract.session] = f"embed-{key.pk}-{session}"
    with runs_not_listed():
        run = transitions.create(key.pipeline, creator, inputs, version)
    EmbedKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return run, contract


def check_session(raw: Any) -> str:
    if raw in (None, ""):
        return secrets.token_urlsafe(12)
    if not isinstance(raw, str) or not SESSION_RE.match(raw):
        raise DomainError("session: 8-64 letters, digits, '-' or '_'.", code="invalid", details={"field": "session"})
    return raw


def _final(run_id: int) -> tuple[str, Any]:
    run = Run.objects.get(pk=run_id)
    return run.status, run.outputs


async def chat_stream(run_id: int, contract: ChatContract, session: str) -> AsyncIterator[bytes]:
    """Server-sent events of one chat turn: ``ready`` {session}; ``token`` {text} as the answer
    streams; ``reset`` {} when a retried call discards what streamed so far; then ``done``
    {answer, session} or ``error`` {message}."""
    yield sse.frame(event="ready", data={"session": session})
    deadline = asyncio.get_running_loop().time() + MAX_TURN_SECONDS
    async with contextlib.aclosing(follow(run_id, 0, [])) as events:
        async for e in events:
            if asyncio.get_running_loop().time() > deadline:
                break
            if e == KEEPALIVE:
                yield b": keepalive\n\n"
            elif e == CLOSED or not isinstance(e, dict):
                break
            elif e["node_id"] == contract.stream_node and e["item"] is None:
                if e["type"] == "node.token":
                    if e["payload"].get("void"):
                        yield sse.frame(event="reset", data={})
                    if e["payload"].get("text"):
                        yield sse.frame(event="token", data={"text": e["payload"]["text"]})
                elif e["type"] == "node.failed" and e["payload"].get("will_retry"):
                    yield sse.frame(event="reset", data={})
    status, outputs = await database_sync_to_async(_final)(run_id)
    answer = (outputs or {}).get(contract.answer) if status == "succeeded" else None
    if answer is None:
        yield sse.frame(event="error", data={"message": "Sorry, no answer could be produced. Try again later."})
        return
    text = answer if isinstance(answer, str) else json.dumps(answer)
    yield sse.frame(event="done", data={"answer": text, "session": session})
