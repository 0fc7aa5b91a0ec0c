"""What a run lends its nodes: provider clients, with credentials resolved inside the worker.

Secrets are looked up here, by id, at run time; they never travel in task arguments, events
or traces.
"""
from __future__ import annotations

import os
from typing import Any

from builder.providers import registry


class CredentialError(Exception):
    pass


class RunServices:
    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id
        self._clients: dict[tuple[str, str, str | None, str | None], Any] = {}

    def _resolve(self, provider: str, credential: str | None, base_url: str | None) -> tuple[str | None, str | None]:
        info = registry.info(provider)
        if credential:
            from builder.credentials import resolve_credential  # the credential store (issue 4)

            return resolve_credential(self.workspace_id, credential, provider, base_url)
        key = os.environ.get(info.env_key) if info.env_key else None
        return key, base_url

    def chat(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        cache_key = ("chat", provider, credential, base_url)
        if cache_key not in self._clients:
            api_key, url = self._resolve(provider, credential, base_url)
            self._clients[cache_key] = registry.make_chat(provider, api_key=api_key, base_url=url)
        return self._clients[cache_key]

    def vectors(self) -> Any:
        """The vector store bound to this run's workspace (nodes cannot name another's)."""
        from django.conf import settings

        from builder.vectors import VectorStore

        return VectorStore(self.workspace_id, path=settings.DATA_DIR / "chroma")

    def http_policy(self) -> Any:
        """The operator's allow-list for ``http.request`` (``FOMO_HTTP_ALLOW``: hosts and CIDRs)."""
        from builder.netguard import Policy

        return Policy.from_setting(os.environ.get("FOMO_HTTP_ALLOW", ""))

    def http_credential(self, credential: str) -> tuple[str, str]:
        """(secret, base URL) of a stored ``http`` credential of this run's workspace, for
        ``http.request``; LookupError (safe to show) when it is missing, of another provider,
        or has no base URL to confine it to."""
        from builder.credentials import resolve_credential
        from builder.providers.base import ProviderError

        try:
            secret, base_url = resolve_credential(self.workspace_id, credential, "http", None)
        except ProviderError as exc:
            raise LookupError(exc.message) from None
        if not base_url:
            raise LookupError("this credential has no base URL; set one so its secret is only sent there")
        return secret, base_url

    def moderator(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        """A moderation client (OpenAI only) with the workspace's credential or the environment key."""
        from builder.providers.moderation import make_moderator

        api_key, url = self._resolve(provider, credential, base_url)
        return make_moderator(api_key=api_key, base_url=url)

    def document(self, document_id: Any) -> dict[str, Any]:
        """A document of this run's workspace: meta + ``text``; LookupError otherwise. Blocking."""
        from builder.documents import load_for_run

        return load_for_run(self.workspace_id, document_id)

    def memory(self) -> Any:
        """Conversation memory bound to this run's workspace (blocking methods)."""
        from builder.conversations import MemoryStore

        return MemoryStore(self.workspace_id)

    def embedder(self, provider: str, credential: str | None = None, base_url: str | None = None) -> Any:
        cache_key = ("embed", provider, credential, base_url)
        if cache_key not in self._clients:
            api_key, url = self._resolve(provider, credential, base_url)
            self._clients[cache_key] = registry.make_embedder(provider, api_key=api_key, base_url=url)
        return self._clients[cache_key]
