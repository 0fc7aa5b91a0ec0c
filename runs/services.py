"""What a run lends its nodes: provider clients, with credentials resolved inside the worker.

:class:`RunServices` is the worker's :class:`builder.nodes.services.Services`. Secrets are looked
up here, by id, at run time, on the credential look-up thread (never on the event loop); they
never travel in task arguments, events or traces. Every secret resolved (a stored credential, or
an operator's environment key) goes into :attr:`RunServices.redactor`, which the engine applies
to every node's outputs, tokens and errors. Every client is made under the operator's allow-list
(``FOMO_HTTP_ALLOW``, read by :meth:`builder.netguard.Policy.from_env`), the same one
``http.request`` obeys.

An environment key (``OPENAI_API_KEY``, ...) only ever goes to its provider's own API: a node
that names a base URL needs a stored credential, whose own base URL is where its key goes.
"""
from __future__ import annotations

import os
from typing import Any

from builder.netguard import Policy, base_url_problem
from builder.nodes.services import ConversationMemory, HttpCredential, NoServices
from builder.providers import registry
from builder.providers.base import ChatProvider, EmbeddingProvider, ModerationProvider, ProviderError
from builder.vectors import VectorStore
from runs.engine.redaction import Redactor


class RunServices(NoServices):
    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id
        self.redactor: Redactor = Redactor()
        self._clients: dict[tuple[str, str, str | None, str | None], Any] = {}

    async def _resolve(self, provider: str, credential: str | None,
                       base_url: str | None) -> tuple[str | None, str | None]:
        info = registry.info(provider)
        if credential:
            from builder.credentials import aresolve_credential  # the credential store (issue 4)

            stored, url = await aresolve_credential(self.workspace_id, credential, provider, base_url)
            self.redactor.add(stored)
            return stored, url
        key = os.environ.get(info.env_key) if info.env_key else None
        if key and base_url:
            # The operator's key goes to its provider's API only: a base URL typed into a node
            # would otherwise send it to any server an editor names.
            raise ProviderError(f"a base URL on a {provider} node needs a stored credential (with that base URL); "
                                f"the server's {info.env_key} is only sent to {info.title}'s own API",
                                kind="auth", retryable=False)
        self.redactor.add(key)
        return key, base_url

    def policy(self) -> Policy:
        """The operator's allow-list for every outbound call of this run."""
        return Policy.from_env()

    async def chat(self, provider: str, credential: str | None = None,
                   base_url: str | None = None) -> ChatProvider:
        cache_key = ("chat", provider, credential, base_url)
        if cache_key not in self._clients:
            api_key, url = await self._resolve(provider, credential, base_url)
            await registry.load(provider)
            self._clients[cache_key] = registry.make_chat(provider, api_key=api_key, base_url=url,
                                                          policy=self.policy())
        client: ChatProvider = self._clients[cache_key]
        return client

    async def embedder(self, provider: str, credential: str | None = None,
                       base_url: str | None = None) -> EmbeddingProvider:
        cache_key = ("embed", provider, credential, base_url)
        if cache_key not in self._clients:
            api_key, url = await self._resolve(provider, credential, base_url)
            await registry.load(provider)
            self._clients[cache_key] = registry.make_embedder(provider, api_key=api_key, base_url=url,
                                                              policy=self.policy())
        client: EmbeddingProvider = self._clients[cache_key]
        return client

    async def moderator(self, provider: str, credential: str | None = None,
                        base_url: str | None = None) -> ModerationProvider:
        """A moderation client (OpenAI only) with the workspace's credential or the environment key."""
        api_key, url = await self._resolve(provider, credential, base_url)
        await registry.load_module("builder.providers.moderation")
        from builder.providers.moderation import make_moderator

        return make_moderator(api_key=api_key, base_url=url, policy=self.policy())

    async def http_credential(self, credential: str) -> HttpCredential:
        """(secret, base URL) of a stored ``http`` credential of this run's workspace, for
        ``http.request``; LookupError (safe to show) when it is missing, of another provider,
        or has no base URL to confine it to."""
        from builder.credentials import aresolve_credential

        try:
            secret, base_url = await aresolve_credential(self.workspace_id, credential, "http", None)
        except ProviderError as exc:
            raise LookupError(exc.message) from None
        self.redactor.add(secret)
        if not base_url:
            raise LookupError("this credential has no base URL; set one so its secret is only sent there")
        problem = base_url_problem(base_url)
        if problem:  # stored before base URLs were checked for shape
            raise LookupError(f"this credential's base_url {problem}; set it again (with the secret)")
        return HttpCredential(secret, base_url)

    def http_policy(self) -> Policy:
        """The operator's allow-list for ``http.request``: the same as for providers."""
        return self.policy()

    def vectors(self) -> VectorStore:
        """The vector store bound to this run's workspace (nodes cannot name another's)."""
        from django.conf import settings

        return VectorStore(self.workspace_id, path=settings.DATA_DIR / "chroma")

    def memory(self) -> ConversationMemory:
        """Conversation memory bound to this run's workspace (blocking methods)."""
        from builder.conversations import MemoryStore

        return MemoryStore(self.workspace_id)

    def document(self, document_id: int) -> dict[str, Any]:
        """A document of this run's workspace: meta + ``text``; LookupError otherwise. Blocking."""
        from builder.documents import load_for_run

        return load_for_run(self.workspace_id, document_id)
