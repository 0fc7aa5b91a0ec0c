"""OpenAI and OpenAI-compatible servers (``openai`` and ``openai_compatible``), on the official SDK.

The SDK's own retries are off (``max_retries=0``); :mod:`builder.providers.retry` decides.
``openai_compatible`` needs a ``base_url`` (ending in ``/v1``), takes any model name and works
without a key. Every request goes through the network guard (:mod:`builder.providers.outbound`;
option ``policy``, default the operator's ``FOMO_HTTP_ALLOW``). Streaming asks for usage
(``stream_options.include_usage``); a stream that ends without a ``finish_reason`` is a cut
stream, never a short answer.

Options (``make_chat``/``make_embedder`` ``**opts``): ``concurrency`` (default 16 per process
and event loop), ``embed_batch`` (inputs per embeddings request, default 512), and the retry
options of :meth:`RetryPolicy.from_opts`.
"""
from __future__ import annotations

import array
import base64
from typing import Any

import openai

from builder.providers.base import ChatParams, ChatResult, EmbedResult, OnToken, ProviderError, Usage
from builder.providers.calls import StreamProgress, error_detail, run_call, sampling_kwargs
from builder.providers.concurrency import DEFAULT_CONCURRENCY, PerLoop, limiter
from builder.providers.outbound import Outbound
from builder.providers.retry import (
    OnRetry,
    RetryPolicy,
    connection_error,
    error_for_status,
    stream_cut_error,
    timeout_error,
)

_NO_KEY = "not-needed"  # the SDK insists on a key; local servers ignore it


class _Client:
    """What chat and embeddings share: SDK clients per event loop, the limit, the policy."""

    def __init__(self, name: str, api_key: str | None, base_url: str | None, opts: dict[str, Any]):
        if name == "openai_compatible" and not base_url:
            raise ValueError("openai_compatible needs a base_url (for example http://127.0.0.1:8000/v1)")
        if name == "openai" and not api_key:
            raise ValueError("openai needs an API key")
        self.name = name
        self._api_key = api_key or _NO_KEY
        self.outbound = Outbound(name, base_url, opts.get("policy"))
        self._base_url = self.outbound.base_url
        self.policy = RetryPolicy.from_opts(opts)
        self._limit = int(opts.get("concurrency", DEFAULT_CONCURRENCY))
        # Compatible servers share one provider name; each server gets its own limit.
        self._limit_key = name if name == "openai" else f"{name}:{base_url}"
        self._clients: PerLoop[openai.AsyncOpenAI] = PerLoop(self._new_sdk)

    def __repr__(self) -> str:  # never show the key
        return f"<{type(self).__name__} {self.name} base_url={self._base_url!r}>"

    def _new_sdk(self) -> openai.AsyncOpenAI:
        http = self.outbound.httpx2_client(timeout=openai.DEFAULT_TIMEOUT, limits=openai.DEFAULT_CONNECTION_LIMITS)
        return openai.AsyncOpenAI(api_key=self._api_key, base_url=self._base_url, max_retries=0, http_client=http)

    def sdk(self) -> openai.AsyncOpenAI:
        return self._clients.get()

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (call before the loop ends)."""
        client = self._clients.pop()
        if client is not None:
            await client.close()

    def map_error(self, exc: BaseException, progress: StreamProgress) -> ProviderError | None:
        if isinstance(exc, openai.APIStatusError):
            detail = self.outbound.shown(error_detail(exc.body))
            return error_for_status(exc.status_code, provider=self.name, detail=detail, headers=exc.response.headers)
        if isinstance(exc, openai.APITimeoutError):
            return timeout_error(self.name, None)
        if isinstance(exc, openai.APIConnectionError):
            if progress.started:  # the SDK wraps a body that broke off mid-stream as a connection error
                return stream_cut_error(self.name, progress.tokens, why="broke off")
            return connection_error(self.name, exc)
        return None

    async def run(self, attempt: Any, timeout_s: float | None, on_retry: OnRetry | None) -> Any:
        return await run_call(provider=self.name, policy=self.policy,
                              semaphore=lambda: limiter(self._limit_key, self._limit),
                              timeout_s=timeout_s, attempt=attempt, map_error=self.map_error,
                              secret=self._api_key, on_retry=on_retry, outbound=self.outbound)


class OpenAIChat(_Client):
    async def complete(self, messages: list[dict[str, str]], params: ChatParams, on_token: OnToken | None = None,
                       *, on_retry: OnRetry | None = None) -> ChatResult:
        kwargs: dict[str, Any] = {"model": params.model, "messages": messages, "timeout": params.timeout_s}
        # OpenAI's newer models accept only max_completion_tokens; compatible servers know max_tokens.
        kwargs.update(sampling_kwargs(
            params, max_tokens_key="max_completion_tokens" if self.name == "openai" else "max_tokens"))

        async def attempt(progress: StreamProgress) -> ChatResult:
            if on_token is None:
                return await self._complete_once(kwargs)
            return await self._stream_once(kwargs, on_token, progress)

        return await self.run(attempt, params.timeout_s, on_retry)

    async def _complete_once(self, kwargs: dict[str, Any]) -> ChatResult:
        resp = await self.sdk().chat.completions.create(**kwargs)
        choice = resp.choices[0]
        usage = Usage(resp.usage.prompt_tokens, resp.usage.completion_tokens) if resp.usage else Usage()
        return ChatResult(text=choice.message.content or "", usage=usage,
                          finish_reason=choice.finish_reason or "stop", model=resp.model or kwargs["model"])

    async def _stream_once(self, kwargs: dict[str, Any], on_token: OnToken, progress: StreamProgress) -> ChatResult:
        stream = await self.sdk().chat.completions.create(**kwargs, stream=True,
                                                          stream_options={"include_usage": True})
        parts: list[str] = []
        finish: str | None = None
        usage = Usage()
        model = kwargs["model"]
        progress.started = True
        async with stream:
            async for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    text = choice.delta.content if choice.delta else None
                    if text:
                        parts.append(text)
                        progress.tokens += 1
                        on_token(text)
                    if choice.finish_reason:
                        finish = choice.finish_reason
        if finish is None:
            raise stream_cut_error(self.name, progress.tokens)
        return ChatResult(text="".join(parts), usage=usage, finish_reason=finish, model=model)


class OpenAIEmbedder(_Client):
    def __init__(self, name: str, api_key: str | None, base_url: str | None, opts: dict[str, Any]):
        super().__init__(name, api_key, base_url, opts)
        self.batch = max(1, int(opts.get("embed_batch", 512)))
        self.timeout_s = float(opts.get("timeout_s", 60.0))

    async def embed(self, texts: list[str], model: str, input_type: str | None = None,
                    *, on_retry: OnRetry | None = None) -> EmbedResult:
        vectors: list[list[float]] = []
        prompt_tokens = 0
        for start in range(0, len(texts), self.batch):
            batch = list(texts[start:start + self.batch])

            async def attempt(_: StreamProgress, batch: list[str] = batch) -> Any:
                # The SDK asks for base64 and decodes it; we get floats either way.
                return await self.sdk().embeddings.create(model=model, input=batch, timeout=self.timeout_s)

            resp = await self.run(attempt, self.timeout_s, on_retry)
            rows = sorted(resp.data, key=lambda d: d.index)
            if len(rows) != len(batch):
                raise ProviderError(f"{self.name}: asked for {len(batch)} embeddings, got {len(rows)}",
                                    kind="server", retryable=False)
            vectors.extend(_as_floats(r.embedding) for r in rows)
            if resp.usage is not None:
                prompt_tokens += resp.usage.prompt_tokens
        return EmbedResult(vectors=vectors, usage=Usage(prompt_tokens=prompt_tokens), model=model)


def _as_floats(embedding: Any) -> list[float]:
    if isinstance(embedding, str):  # base64 float32 that the SDK left encoded
        return array.array("f", base64.b64decode(embedding)).tolist()
    return [float(x) for x in embedding]


def make_chat(*, name: str = "openai", api_key: str | None = None, base_url: str | None = None,
              **opts: Any) -> OpenAIChat:
    return OpenAIChat(name, api_key, base_url, opts)


def make_embedder(*, name: str = "openai", api_key: str | None = None, base_url: str | None = None,
                  **opts: Any) -> OpenAIEmbedder:
    return OpenAIEmbedder(name, api_key, base_url, opts)
