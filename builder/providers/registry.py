"""Provider implementations by name. Modules are imported on first use so that an SDK's
import cost is paid only by those who call it.

Each module exposes ``make_chat(api_key, base_url, **opts)`` and, where the provider has
embeddings, ``make_embedder(api_key, base_url, **opts)``.
"""
from __future__ import annotations

import asyncio
import importlib
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    name: str
    title: str
    module: str
    chat: bool
    embeddings: bool
    needs_key: bool
    env_key: str | None = None  # environment variable that serves as a default credential
    free_model: bool = False  # model name is typed freely (OpenAI-compatible servers)
    chat_models: tuple[str, ...] = ()  # suggestions for the settings form; any other name is accepted
    embedding_models: tuple[str, ...] = ()


PROVIDERS: dict[str, ProviderInfo] = {
    p.name: p
    for p in (
        ProviderInfo("fake", "Offline fake (deterministic)", "builder.providers.fake", True, True, False,
                     chat_models=("fake-small", "fake-large"), embedding_models=("fake-embed",)),
        ProviderInfo("offline", "Offline model — no LLM; connect a provider for real answers",
                     "builder.providers.offline", True, False, False, chat_models=("offline-extractive",)),
        ProviderInfo("openai", "OpenAI", "builder.providers.openai_provider", True, True, True, "OPENAI_API_KEY",
                     chat_models=("gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o4-mini"),
                     embedding_models=("text-embedding-3-small", "text-embedding-3-large")),
        ProviderInfo("openai_compatible", "OpenAI-compatible server", "builder.providers.openai_provider",
                     True, True, False, None, True),
        ProviderInfo("cohere", "Cohere", "builder.providers.cohere_provider", True, True, True, "CO_API_KEY",
                     chat_models=("command-a-03-2025", "command-r-plus", "command-r"),
                     embedding_models=("embed-v4.0", "embed-english-v3.0", "embed-multilingual-v3.0",
                                       "embed-english-light-v3.0")),
        ProviderInfo("anthropic", "Anthropic", "builder.providers.anthropic_provider", True, False, True,
                     "ANTHROPIC_API_KEY",
                     chat_models=("claude-sonnet-4-0", "claude-opus-4-0", "claude-3-5-haiku-latest")),
        ProviderInfo("local", "Local embeddings (all-MiniLM-L6-v2 or its fast static distillation, offline)",
                     "builder.providers.local_embed", False, True, False,
                     embedding_models=("all-minilm-l6-v2", "minilm-static-256")),
    )
}


async def load(name: str) -> None:
    """Import ``name``'s module off the event loop the first time: an SDK's import takes ~0.4 s,
    which would otherwise hold every run on the worker's loop."""
    await load_module(info(name).module)


async def load_module(module: str) -> None:
    if module not in sys.modules:
        await asyncio.to_thread(importlib.import_module, module)


def info(name: str) -> ProviderInfo:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise KeyError(f"unknown provider {name!r}; known: {', '.join(sorted(PROVIDERS))}") from None


def make_chat(name: str, *, api_key: str | None = None, base_url: str | None = None, **opts: Any) -> Any:
    provider = info(name)
    if not provider.chat:
        raise KeyError(f"provider {name!r} has no chat models")
    return importlib.import_module(provider.module).make_chat(name=name, api_key=api_key, base_url=base_url, **opts)


def make_embedder(name: str, *, api_key: str | None = None, base_url: str | None = None, **opts: Any) -> Any:
    provider = info(name)
    if not provider.embeddings:
        raise KeyError(f"provider {name!r} has no embedding models")
    return importlib.import_module(provider.module).make_embedder(
        name=name, api_key=api_key, base_url=base_url, **opts)
