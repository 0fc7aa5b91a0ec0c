"""A small HTTP server that speaks the OpenAI, Cohere v2 and Anthropic protocols, for tests.

It runs in its own thread with its own event loop on 127.0.0.1 and a free port, so sync
tests, async tests and other processes (a Celery worker) can all call it over real HTTP.

Endpoints: ``POST /v1/chat/completions`` and ``/v1/embeddings`` (OpenAI), ``/v2/chat`` and
``/v2/embed`` (Cohere), ``/v1/messages`` (Anthropic). Streaming and non-streaming.

Answers are deterministic and depend on the model: ``"[<model>] " + <the last user message's
words, reversed>``, one token per word. ``token_delay_s`` spaces the streamed tokens.

Every request is recorded (:class:`Recorded`: path, model, stream flag, start and end times,
status, the fault applied). Faults queued with ``stub.faults.push(...)`` apply, in order, to
the next requests (optionally only those on a given path)::

    stub.faults.push(status=429, retry_after="1")      # error status, optional Retry-After and body
    stub.faults.push(status=500, times=3)              # three requests in a row
    stub.faults.push(status=401)
    stub.faults.push(hang_s=5)                         # accept, then say nothing for 5 s
    stub.faults.push(cut_after=3)                      # stream 3 tokens, then drop the connection
    stub.faults.push(truncate_after=3)                 # stream 3 tokens, then end cleanly without
                                                       # the terminal event ([DONE], message-end, ...)
    stub.faults.push(status=503, path="/v2/chat")      # only for that endpoint
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
import struct
import threading
import time
import uuid
from typing import Any

from aiohttp import web

from tests.stubs.faults import Fault, FaultQueue, Recorded
from tests.stubs.wire import (
    EMBED_DIMS,
    _apply_limits,
    _count_words,
    _error_body,
    _sse_frame,
    fake_vector,
    reply_tokens,
)

__all__ = ["EMBED_DIMS", "Fault", "FaultQueue", "LLMStub", "Recorded", "fake_vector", "reply_tokens"]


class LLMStub:
    """The server. Use as a context manager, or :meth:`start` / :meth:`stop`."""

    def __init__(self, token_delay_s: float = 0.0, host: str = "127.0.0.1"):
        self.token_delay_s = token_delay_s
        self.host = host
        self.port = 0
        self.faults = FaultQueue()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (OpenAI clients add ``/v1``; see :attr:`openai_base_url`)."""
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return self.base_url + "/v1"

    @property
    def allow_entry(self) -> str:
        """The ``FOMO_HTTP_ALLOW`` entry that admits this stub and nothing else on its host."""
        return f"{self.host}:{self.port}"

    def start(self) -> LLMStub:
        with socket.socket() as s:
            s.bind((self.host, 0))
            self.port = s.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name=f"llm-stub-{self.port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("llm stub did not start")
        if self._error is not None:
            raise RuntimeError(f"llm stub failed to start: {self._error}")
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        loop, stopping = self._loop, self._stopping
        if stopping is not None:
            loop.call_soon_threadsafe(stopping.set)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> LLMStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget recorded requests and queued faults; restore the default token delay."""
        self.faults.clear()
        with self._lock:
            self.requests.clear()
        self.token_delay_s = 0.0

    # inspection --------------------------------------------------------------------------
    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def max_overlap(self, path: str | None = None) -> int:
        """The largest number of requests (to ``path``, or any) in flight at the same moment."""
        with self._lock:
            spans = [(r.start, r.end if r.end is not None else float("inf"))
                     for r in self.requests if path is None or r.path == path]
        events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans], key=lambda x: (x[0], x[1]))
        best = current = 0
        for _, delta in events:
            current += delta
            best = max(best, current)
        return best

    # server ------------------------------------------------------------------------------
    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._openai_chat)
        app.router.add_post("/v1/embeddings", self._openai_embed)
        app.router.add_post("/v2/chat", self._cohere_chat)
        app.router.add_post("/v2/embed", self._cohere_embed)
        app.router.add_post("/v1/messages", self._anthropic_messages)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self._ready.set()
        await self._stopping.wait()
        await self._runner.cleanup()

    async def _begin(self, request: web.Request) -> tuple[dict[str, Any], Recorded, Fault | None]:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = {}
        headers = {k.lower(): ("<redacted>" if k.lower() in ("authorization", "x-api-key") else v)
                   for k, v in request.headers.items()}
        fault = self.faults.take(request.path)
        rec = Recorded(path=request.path, model=body.get("model"), stream=bool(body.get("stream")),
                       start=time.monotonic(), fault=fault.describe() if fault else None, body=body, headers=headers)
        with self._lock:
            self.requests.append(rec)
        return body, rec, fault

    def _finish(self, rec: Recorded, status: int) -> None:
        rec.status = status
        rec.end = time.monotonic()

    async def _pre_fault(self, request: web.Request, rec: Recorded, fault: Fault | None) -> web.StreamResponse | None:
        """Apply a fault that happens before any answer; returns the response to send, if any."""
        if fault is None:
            return None
        if fault.hang_s is not None:
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.hang_s)
            if request.transport is None or request.transport.is_closing():
                self._finish(rec, 499)  # the client gave up waiting
                return web.Response(status=499)
            if fault.status is None:
                return None
        if fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            body = fault.body if fault.body is not None else _error_body(request.path, fault.status)
            self._finish(rec, fault.status)
            return web.json_response(body, status=fault.status, headers=headers)
        return None

    async def _sse(self, request: web.Request, rec: Recorded, fault: Fault | None,
                   head: list[tuple[str | None, dict[str, Any]]],
                   deltas: list[tuple[str | None, dict[str, Any]]],
                   tail: list[tuple[str | None, dict[str, Any] | str]]) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, headers={"Content-Type": "text/event-stream",
                                                        "Cache-Control": "no-cache"})
        await resp.prepare(request)
        for event, data in head:
            await resp.write(_sse_frame(event, data))
        for i, (event, data) in enumerate(deltas):
            if fault is not None and fault.cut_after is not None and i >= fault.cut_after:
                self._finish(rec, 200)
                assert request.transport is not None
                request.transport.abort()  # the client sees the connection drop mid-body
                return resp
            if fault is not None and fault.truncate_after is not None and i >= fault.truncate_after:
                await resp.write_eof()  # a clean end of body, without the terminal event
                self._finish(rec, 200)
                return resp
            if self.token_delay_s:
                await asyncio.sleep(self.token_delay_s)
            await resp.write(_sse_frame(event, data))
            rec.emitted.append(time.time())  # wall clock, comparable with other processes' clocks
        for event, data in tail:
            await resp.write(_sse_frame(event, data))
        await resp.write_eof()
        self._finish(rec, 200)
        return resp

    # OpenAI ------------------------------------------------------------------------------
    async def _openai_chat(self, request: web.Request) -> web.StreamResponse:
        body, rec, fault = await self._begin(request)
        if (early := await self._pre_fault(request, rec, fault)) is not None:
            return early
        model = body.get("model", "")
        messages = body.get("messages", [])
        stop = body.get("stop")
        tokens, finish = _apply_limits(reply_tokens(model, messages),
                                       body.get("max_completion_tokens") or body.get("max_tokens"),
                                       [stop] if isinstance(stop, str) else stop)
        finish = "length" if finish == "length" else "stop"
        if body.get("response_format", {}).get("type") == "json_object":
            tokens = ['{"answer": ', json.dumps("".join(tokens)), "}"]
        usage = {"prompt_tokens": _count_words(messages), "completion_tokens": len(tokens),
                 "total_tokens": _count_words(messages) + len(tokens)}
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:12]}", int(time.time())
        if not body.get("stream"):
            await self._delay(len(tokens))
            self._finish(rec, 200)
            return web.json_response({
                "id": cid, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(tokens)},
                             "finish_reason": finish, "logprobs": None}],
                "usage": usage})

        def chunk(delta: dict[str, Any], finish_reason: str | None = None,
                  with_usage: dict[str, Any] | None = None, no_choices: bool = False) -> dict[str, Any]:
            out: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                                   "choices": [] if no_choices else [{"index": 0, "delta": delta,
                                                                      "finish_reason": finish_reason,
                                                                      "logprobs": None}]}
            if with_usage is not None:
                out["usage"] = with_usage
            return out

        head = [(None, chunk({"role": "assistant", "content": ""}))]
        deltas = [(None, chunk({"content": t})) for t in tokens]
        tail: list[tuple[str | None, dict[str, Any] | str]] = [(None, chunk({}, finish))]
        if (body.get("stream_options") or {}).get("include_usage"):
            tail.append((None, chunk({}, with_usage=usage, no_choices=True)))
        tail.append((None, "[DONE]"))
        return await self._sse(request, rec, fault, head, deltas, tail)

    async def _openai_embed(self, request: web.Request) -> web.StreamResponse:
        body, rec, fault = await self._begin(request)
        if (early := await self._pre_fault(request, rec, fault)) is not None:
            return early
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else texts
        dims = int(body.get("dimensions") or EMBED_DIMS)
        data = []
        for i, text in enumerate(texts):
            vec = fake_vector(str(text) + "|" + str(body.get("model")), dims)
            if body.get("encoding_format") == "base64":
                emb: Any = base64.b64encode(struct.pack(f"<{dims}f", *vec)).decode()
            else:
                emb = vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        tokens = sum(len(str(t).split()) for t in texts)
        self._finish(rec, 200)
        return web.json_response({"object": "list", "data": data, "model": body.get("model"),
                                  "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    # Cohere v2 ---------------------------------------------------------------------------
    async def _cohere_chat(self, request: web.Request) -> web.StreamResponse:
        body, rec, fault = await self._begin(request)
        if (early := await self._pre_fault(request, rec, fault)) is not None:
            return early
        model = body.get("model", "")
        messages = body.get("messages", [])
        tokens, finish = _apply_limits(reply_tokens(model, messages), body.get("max_tokens"),
                                       body.get("stop_sequences"))
        finish = {"stop": "COMPLETE", "length": "MAX_TOKENS", "stop_sequence": "STOP_SEQUENCE"}[finish]
        n_in = _count_words(messages)
        usage = {"billed_units": {"input_tokens": n_in, "output_tokens": len(tokens)},
                 "tokens": {"input_tokens": n_in + 7, "output_tokens": len(tokens) + 1}}
        mid = str(uuid.uuid4())
        if not body.get("stream"):
            await self._delay(len(tokens))
            self._finish(rec, 200)
            return web.json_response({"id": mid, "finish_reason": finish,
                                      "message": {"role": "assistant",
                                                  "content": [{"type": "text", "text": "".join(tokens)}]},
                                      "usage": usage})
        head: list[tuple[str | None, dict[str, Any]]] = [
            ("message-start", {"type": "message-start", "id": mid,
                               "delta": {"message": {"role": "assistant"}}}),
            ("content-start", {"type": "content-start", "index": 0,
                               "delta": {"message": {"content": {"type": "text", "text": ""}}}}),
        ]
        deltas = [("content-delta", {"type": "content-delta", "index": 0,
                                     "delta": {"message": {"content": {"text": t}}}}) for t in tokens]
        tail: list[tuple[str | None, dict[str, Any] | str]] = [
            ("content-end", {"type": "content-end", "index": 0}),
            ("message-end", {"type": "message-end", "id": mid,
                             "delta": {"finish_reason": finish, "usage": usage}}),
        ]
        return await self._sse(request, rec, fault, head, deltas, tail)

    async def _cohere_embed(self, request: web.Request) -> web.StreamResponse:
        body, rec, fault = await self._begin(request)
        if (early := await self._pre_fault(request, rec, fault)) is not None:
            return early
        texts = body.get("texts", [])
        input_type = body.get("input_type")
        vectors = [fake_vector(f"{t}|{body.get('model')}|{input_type}") for t in texts]
        tokens = sum(len(str(t).split()) for t in texts)
        self._finish(rec, 200)
        return web.json_response({"id": str(uuid.uuid4()), "response_type": "embeddings_by_type",
                                  "embeddings": {"float": vectors}, "texts": texts,
                                  "meta": {"api_version": {"version": "2"},
                                           "billed_units": {"input_tokens": tokens}}})

    # Anthropic ---------------------------------------------------------------------------
    async def _anthropic_messages(self, request: web.Request) -> web.StreamResponse:
        body, rec, fault = await self._begin(request)
        if (early := await self._pre_fault(request, rec, fault)) is not None:
            return early
        model = body.get("model", "")
        messages = body.get("messages", [])
        tokens, finish = _apply_limits(reply_tokens(model, messages), body.get("max_tokens"),
                                       body.get("stop_sequences"))
        stop_reason = {"stop": "end_turn", "length": "max_tokens", "stop_sequence": "stop_sequence"}[finish]
        n_in = _count_words(messages, body.get("system"))
        mid = f"msg_{uuid.uuid4().hex[:16]}"
        if not body.get("stream"):
            await self._delay(len(tokens))
            self._finish(rec, 200)
            return web.json_response({
                "id": mid, "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": "".join(tokens)}],
                "stop_reason": stop_reason, "stop_sequence": None,
                "usage": {"input_tokens": n_in, "output_tokens": len(tokens)}})
        head: list[tuple[str | None, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": {
                "id": mid, "type": "message", "role": "assistant", "model": model, "content": [],
                "stop_reason": None, "stop_sequence": None,
                "usage": {"input_tokens": n_in, "output_tokens": 1}}}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}}),
        ]
        deltas = [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                           "delta": {"type": "text_delta", "text": t}}) for t in tokens]
        tail: list[tuple[str | None, dict[str, Any] | str]] = [
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                               "usage": {"output_tokens": len(tokens)}}),
            ("message_stop", {"type": "message_stop"}),
        ]
        return await self._sse(request, rec, fault, head, deltas, tail)

    async def _delay(self, n_tokens: int) -> None:
        if self.token_delay_s:
            await asyncio.sleep(self.token_delay_s * n_tokens)
