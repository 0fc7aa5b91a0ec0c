"""Anthropic (Messages API) on the official SDK. Chat only: Anthropic has no embeddings.

The SDK's own retries are off (``max_retries=0``); :mod:`builder.providers.retry` decides. Every
request goes through the network guard (:mod:`builder.providers.outbound`; option ``policy``).
System messages are lifted into ``system``; ``max_tokens`` is required by the API and defaults
to 1024. There is no JSON mode: ``response_format="json"`` adds an instruction to the system
prompt. Usage comes from ``message_start`` and ``message_delta``; a stream that ends without
``message_stop`` is a cut stream, never a short answer.

Options: ``concurrency`` (default 16), ``default_max_tokens``, and the retry options of
:meth:`RetryPolicy.from_opts`.
"""
from __future__ import annotations

from typing import Any

import anthropic

from builder.providers.base import ChatParams, ChatResult, OnToken, ProviderError, Usage
from builder.providers.calls import StreamProgress, error_detail, run_call
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

_JSON_INSTRUCTION = "Respond with a single JSON object and nothing else."
_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls"}


def split_system(messages: list[dict[str, str]]) -> tuple[str | None, list[dict[str, str]]]:
    """Anthropic takes the system prompt apart from the turns."""
    system = [m["content"] for m in messages if m.get("role") == "system" and m.get("content")]
    turns = [{"role": m["role"], "content": m["content"]} for m in messages if m.get("role") != "system"]
    return ("\n\n".join(system) or None), turns


class AnthropicChat:
    def __init__(self, name: str, api_key: str | None, base_url: str | None, opts: dict[str, Any]):
        if not api_key:
            raise ValueError("anthropic needs an API key")
        self.name = name
        self._api_key = api_key
        self.outbound = Outbound(name, base_url, opts.get("policy"))
        self._base_url = self.outbound.base_url
        self.policy = RetryPolicy.from_opts(opts)
        self._limit = int(opts.get("concurrency", DEFAULT_CONCURRENCY))
        self._default_max_tokens = int(opts.get("default_max_tokens", 1024))
        self._clients: PerLoop[anthropic.AsyncAnthropic] = PerLoop(self._new_sdk)

    def _new_sdk(self) -> anthropic.AsyncAnthropic:
        http = self.outbound.httpx2_client(timeout=anthropic.DEFAULT_TIMEOUT,
                                           limits=anthropic.DEFAULT_CONNECTION_LIMITS)
        return anthropic.AsyncAnthropic(api_key=self._api_key, base_url=self._base_url, max_retries=0,
                                        http_client=http)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} base_url={self._base_url!r}>"

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (call before the loop ends)."""
        client = self._clients.pop()
        if client is not None:
            await client.close()

    def map_error(self, exc: BaseException, progress: StreamProgress) -> ProviderError | None:
        if isinstance(exc, anthropic.APIStatusError):
            status = exc.status_code
            if status < 400:  # an ``error`` event inside a 200 stream (overloaded, api_error)
                detail = self.outbound.shown(error_detail(exc.body))
                return ProviderError(f"{self.name}: the server reported an error mid-stream: {detail}",
                                     kind="server", retryable=True, status=status)
            return error_for_status(status, provider=self.name, detail=self.outbound.shown(error_detail(exc.body)),
                                    headers=exc.response.headers)
        if isinstance(exc, anthropic.APITimeoutError):
            return timeout_error(self.name, None)
        if isinstance(exc, anthropic.APIConnectionError):
            if progress.started:
                return stream_cut_error(self.name, progress.tokens, why="broke off")
            return connection_error(self.name, exc)
        return None

    async def complete(self, messages: list[dict[str, str]], params: ChatParams, on_token: OnToken | None = None,
                       *, on_retry: OnRetry | None = None) -> ChatResult:
        system, turns = split_system(messages)
        if params.response_format == "json":
            system = f"{system}\n\n{_JSON_INSTRUCTION}" if system else _JSON_INSTRUCTION
        kwargs: dict[str, Any] = {"model": params.model, "messages": turns,
                                  "max_tokens": params.max_tokens or self._default_max_tokens,
                                  "timeout": params.timeout_s}
        if system:
            kwargs["system"] = system
        if params.temperature is not None:
            # The 2.x SDK no longer types ``temperature``; older models still take it on the wire.
            kwargs["extra_body"] = {"temperature": params.temperature}
        if params.stop:
            kwargs["stop_sequences"] = params.stop
        kwargs.update(params.extra)  # Anthropic has no seed; params.seed is ignored

        async def attempt(progress: StreamProgress) -> ChatResult:
            if on_token is None:
                return await self._complete_once(kwargs)
            return await self._stream_once(kwargs, on_token, progress)

        return await run_call(provider=self.name, policy=self.policy,
                              semaphore=lambda: limiter(self.name, self._limit), timeout_s=params.timeout_s,
                              attempt=attempt, map_error=self.map_error, secret=self._api_key, on_retry=on_retry,
                              outbound=self.outbound)

    async def _complete_once(self, kwargs: dict[str, Any]) -> ChatResult:
        resp = await self._clients.get().messages.create(**kwargs)
        text = "".join(block.text for block in resp.content if getattr(block, "type", None) == "text")
        usage = Usage(resp.usage.input_tokens or 0, resp.usage.output_tokens or 0)
        return ChatResult(text=text, usage=usage, finish_reason=_FINISH.get(str(resp.stop_reason), "stop"),
                          model=resp.model or kwargs["model"])

    async def _stream_once(self, kwargs: dict[str, Any], on_token: OnToken, progress: StreamProgress) -> ChatResult:
        stream = await self._clients.get().messages.create(**kwargs, stream=True)
        parts: list[str] = []
        prompt_tokens = completion_tokens = 0
        stop_reason: str | None = None
        model = kwargs["model"]
        stopped = False
        progress.started = True
        async with stream:
            async for event in stream:
                kind = event.type
                if kind == "message_start":
                    model = event.message.model or model
                    prompt_tokens = event.message.usage.input_tokens or 0
                    completion_tokens = event.message.usage.output_tokens or 0
                elif kind == "content_block_delta" and getattr(event.delta, "type", None) == "text_delta":
                    text = event.delta.text
                    if text:
                        parts.append(text)
                        progress.tokens += 1
                        on_token(text)
                elif kind == "message_delta":
                    stop_reason = event.delta.stop_reason or stop_reason
                    if event.usage is not None and event.usage.output_tokens is not None:
                        completion_tokens = event.usage.output_tokens  # cumulative, per the API
                elif kind == "message_stop":
                    stopped = True
        if not stopped:
            raise stream_cut_error(self.name, progress.tokens)
        return ChatResult(text="".join(parts), usage=Usage(prompt_tokens, completion_tokens),
                          finish_reason=_FINISH.get(str(stop_reason), "stop"), model=model)


def make_chat(*, name: str = "anthropic", api_key: str | None = None, base_url: str | None = None,
              **opts: Any) -> AnthropicChat:
    return AnthropicChat(name, api_key, base_url, opts)
