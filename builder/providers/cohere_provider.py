"""Cohere (API v2) on the official SDK's ``AsyncClientV2``.

The SDK's own retries are off (``max_retries=0``, and per request); :mod:`builder.providers.retry`
decides. Every request goes through the network guard (:mod:`builder.providers.outbound`; option
``policy``). Usage comes from the response (billed units, else token counts). A stream that ends
without ``message-end`` is a cut stream, never a short answer.

Options: ``concurrency`` (default 16), ``embed_batch`` (texts per embed request, default 96,
Cohere's maximum), ``timeout_s`` for embeddings, and the retry options of
:meth:`RetryPolicy.from_opts`.
"""
from __future__ import annotations

from typing import Any

import cohere
from cohere.core.api_error import ApiError

from builder.providers.base import ChatParams, ChatResult, EmbedResult, OnToken, ProviderError, Usage
from builder.providers.calls import StreamProgress, run_call, sampling_kwargs
from builder.providers.concurrency import DEFAULT_CONCURRENCY, PerLoop, limiter
from builder.providers.outbound import Outbound
from builder.providers.retry import OnRetry, RetryPolicy, error_for_status, stream_cut_error

_INPUT_TYPES = {"search_document", "search_query", "classification", "clustering"}
_FINISH = {"COMPLETE": "stop", "MAX_TOKENS": "length", "STOP_SEQUENCE": "stop", "TOOL_CALL": "tool_calls",
           "ERROR": "error", "TIMEOUT": "timeout"}


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    for part in (usage.billed_units, usage.tokens):
        if part is not None and (part.input_tokens is not None or part.output_tokens is not None):
            return Usage(int(part.input_tokens or 0), int(part.output_tokens or 0))
    return Usage()


def _detail(exc: ApiError) -> str | None:
    body = exc.body
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    if isinstance(body, str):
        return body
    return None


class _Client:
    def __init__(self, name: str, api_key: str | None, base_url: str | None, opts: dict[str, Any]):
        if not api_key:
            raise ValueError("cohere needs an API key")
        self.name = name
        self._api_key = api_key
        self.outbound = Outbound(name, base_url, opts.get("policy"))
        self._base_url = self.outbound.base_url
        self.policy = RetryPolicy.from_opts(opts)
        self._limit = int(opts.get("concurrency", DEFAULT_CONCURRENCY))
        self._clients: PerLoop[cohere.AsyncClientV2] = PerLoop(self._new_sdk)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} base_url={self._base_url!r}>"

    def _new_sdk(self) -> cohere.AsyncClientV2:
        kwargs: dict[str, Any] = {"api_key": self._api_key, "max_retries": 0, "timeout": 300.0,
                                  "log_warning_experimental_features": False,
                                  "httpx_client": self.outbound.httpx_client(timeout=300.0)}
        if self._base_url:
            kwargs["base_url"] = self._base_url.rstrip("/")
        return cohere.AsyncClientV2(**kwargs)

    def sdk(self) -> cohere.AsyncClientV2:
        return self._clients.get()

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (call before the loop ends)."""
        client = self._clients.pop()
        if client is not None:
            await client._client_wrapper.httpx_client.httpx_client.aclose()

    def map_error(self, exc: BaseException, progress: StreamProgress) -> ProviderError | None:
        if isinstance(exc, ApiError):
            if exc.status_code is None:
                return ProviderError(f"{self.name}: the SDK failed before a response", kind="bad_request",
                                     retryable=False)
            return error_for_status(exc.status_code, provider=self.name, detail=self.outbound.shown(_detail(exc)),
                                    headers=exc.headers)
        return None

    async def run(self, attempt: Any, timeout_s: float | None, on_retry: OnRetry | None) -> Any:
        return await run_call(provider=self.name, policy=self.policy,
                              semaphore=lambda: limiter(self.name, self._limit), timeout_s=timeout_s,
                              attempt=attempt, map_error=self.map_error, secret=self._api_key, on_retry=on_retry,
                              outbound=self.outbound)


class CohereChat(_Client):
    async def complete(self, messages: list[dict[str, str]], params: ChatParams, on_token: OnToken | None = None,
                       *, on_retry: OnRetry | None = None) -> ChatResult:
        kwargs: dict[str, Any] = {"model": params.model, "messages": messages,
                                  "request_options": {"max_retries": 0, "timeout": params.timeout_s}}
        kwargs.update(sampling_kwargs(params, stop_key="stop_sequences"))

        async def attempt(progress: StreamProgress) -> ChatResult:
            if on_token is None:
                return await self._complete_once(kwargs)
            return await self._stream_once(kwargs, on_token, progress)

        return await self.run(attempt, params.timeout_s, on_retry)

    async def _complete_once(self, kwargs: dict[str, Any]) -> ChatResult:
        resp = await self.sdk().chat(**kwargs)
        text = "".join(getattr(part, "text", "") or "" for part in (resp.message.content or []))
        return ChatResult(text=text, usage=_usage(resp.usage),
                          finish_reason=_FINISH.get(str(resp.finish_reason), str(resp.finish_reason).lower()),
                          model=kwargs["model"])

    async def _stream_once(self, kwargs: dict[str, Any], on_token: OnToken, progress: StreamProgress) -> ChatResult:
        parts: list[str] = []
        finish: str | None = None
        usage = Usage()
        event: Any  # a union of a dozen event models; dispatch on ``type``
        async for event in self.sdk().chat_stream(**kwargs):
            progress.started = True
            kind = getattr(event, "type", None)
            if kind == "content-delta":
                text = event.delta.message.content.text if event.delta and event.delta.message else None
                if text:
                    parts.append(text)
                    progress.tokens += 1
                    on_token(text)
            elif kind == "message-end":
                delta = event.delta
                reason = str(delta.finish_reason) if delta and delta.finish_reason else "COMPLETE"
                finish = _FINISH.get(reason, reason.lower())
                usage = _usage(delta.usage if delta else None)
        if finish is None:
            raise stream_cut_error(self.name, progress.tokens)
        return ChatResult(text="".join(parts), usage=usage, finish_reason=finish, model=kwargs["model"])


class CohereEmbedder(_Client):
    def __init__(self, name: str, api_key: str | None, base_url: str | None, opts: dict[str, Any]):
        super().__init__(name, api_key, base_url, opts)
        self.batch = max(1, min(96, int(opts.get("embed_batch", 96))))
        self.timeout_s = float(opts.get("timeout_s", 60.0))

    async def embed(self, texts: list[str], model: str, input_type: str | None = None,
                    *, on_retry: OnRetry | None = None) -> EmbedResult:
        kind = input_type or "search_document"
        if kind not in _INPUT_TYPES:
            raise ProviderError(f"{self.name}: input_type must be one of {sorted(_INPUT_TYPES)}, not {kind!r}",
                                kind="bad_request", retryable=False)
        vectors: list[list[float]] = []
        tokens = 0
        for start in range(0, len(texts), self.batch):
            batch = list(texts[start:start + self.batch])

            async def attempt(_: StreamProgress, batch: list[str] = batch) -> Any:
                return await self.sdk().embed(model=model, texts=batch, input_type=kind, embedding_types=["float"],
                                              request_options={"max_retries": 0, "timeout": self.timeout_s})

            resp = await self.run(attempt, self.timeout_s, on_retry)
            floats = resp.embeddings.float_ if resp.embeddings is not None else None
            if not floats or len(floats) != len(batch):
                raise ProviderError(f"{self.name}: asked for {len(batch)} embeddings, got "
                                    f"{len(floats or [])}", kind="server", retryable=False)
            vectors.extend([float(x) for x in v] for v in floats)
            billed = resp.meta.billed_units if resp.meta is not None else None
            if billed is not None and billed.input_tokens is not None:
                tokens += int(billed.input_tokens)
        return EmbedResult(vectors=vectors, usage=Usage(prompt_tokens=tokens), model=model)


def make_chat(*, name: str = "cohere", api_key: str | None = None, base_url: str | None = None,
              **opts: Any) -> CohereChat:
    return CohereChat(name, api_key, base_url, opts)


def make_embedder(*, name: str = "cohere", api_key: str | None = None, base_url: str | None = None,
                  **opts: Any) -> CohereEmbedder:
    return CohereEmbedder(name, api_key, base_url, opts)
