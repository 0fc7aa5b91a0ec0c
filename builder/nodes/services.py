"""What a running node may ask of its host: the :class:`Services` capabilities, and
:class:`NoServices`, the host that has none of them.

Every capability a node (or the engine) uses is declared here, by name and type; nothing reaches
the host any other way. A host (the worker's ``runs.services.RunServices``, a test fake, a
benchmark) subclasses :class:`NoServices` and overrides what it has, so a capability it lacks is
a readable ``NodeError(kind="internal")`` naming the host and what it lacks, not an
``AttributeError``.

The capabilities that resolve a credential (:meth:`~Services.chat`, :meth:`~Services.embedder`,
:meth:`~Services.moderator`, :meth:`~Services.http_credential`) are coroutines: the look-up runs
off the event loop, so a slow credential store never holds the other nodes of the run. The
others hand out workspace-bound stores whose methods block; nodes call those with
``asyncio.to_thread``. Secrets stay with the host: nodes name credentials by id and get clients
(or, for ``http.request``, the secret itself, which the engine then redacts everywhere).

Plain Python: no Django here or in any host-facing type.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from builder.netguard import Policy
from builder.nodes.base import NodeError
from builder.providers.base import ChatProvider, EmbeddingProvider, ModerationProvider

if TYPE_CHECKING:
    from builder.vectors import VectorStore


class ConversationMemory(Protocol):
    """Chat sessions of one workspace (``builder.conversations.MemoryStore``). Blocking methods;
    a malformed session id raises ValueError."""

    def load(self, session: str, budget: int, max_messages: int = ...) -> list[dict[str, str]]:
        """The newest messages of ``session`` that fit ``budget`` tokens, oldest first."""
        ...

    def save(self, session: str, exchange: list[tuple[str, str]]) -> int:
        """Append (role, text) pairs; the session's message count after."""
        ...


class HttpCredential(NamedTuple):
    """A stored ``http`` credential: the secret and the only base URL it may be sent under."""

    secret: str
    base_url: str


class Redacts(Protocol):
    """The secrets a run's host has resolved so far, and the way to take them out of values
    (``runs.engine.redaction.Redactor``). Falsy while it knows none."""

    def __bool__(self) -> bool: ...

    def text(self, text: str) -> str: ...

    def value(self, value: Any) -> Any: ...


class Services(Protocol):
    """What the host lends to the nodes of one run (and to the engine: :attr:`redactor`)."""

    async def chat(self, provider: str, credential: str | None = None,
                   base_url: str | None = None) -> ChatProvider:
        """A chat client of ``provider``, with the stored credential ``credential`` (an id of the
        run's workspace) or the operator's key; a ``ProviderError`` (kind ``auth``) when neither may
        be used."""
        ...

    async def embedder(self, provider: str, credential: str | None = None,
                       base_url: str | None = None) -> EmbeddingProvider:
        """An embeddings client; credentials as for :meth:`chat`."""
        ...

    async def moderator(self, provider: str, credential: str | None = None,
                        base_url: str | None = None) -> ModerationProvider:
        """A moderation client (OpenAI's); ValueError when there is no key to call it with."""
        ...

    async def http_credential(self, credential: str) -> HttpCredential:
        """The secret and base URL of a stored ``http`` credential of the run's workspace;
        LookupError (its message safe to show) when it is missing, of another provider, or has no
        usable base URL."""
        ...

    def http_policy(self) -> Policy:
        """The operator's allow-list for outbound HTTP (``FOMO_HTTP_ALLOW``)."""
        ...

    def vectors(self) -> VectorStore:
        """The vector store of the run's workspace (a node cannot name another's)."""
        ...

    def memory(self) -> ConversationMemory:
        """Conversation memory of the run's workspace."""
        ...

    def document(self, document_id: int) -> dict[str, Any]:
        """A document of the run's workspace: its meta plus ``text``; LookupError when it is not
        one of this workspace's. Blocking."""
        ...

    @property
    def redactor(self) -> Redacts:
        """Every secret resolved so far in this run; the engine takes them out of outputs,
        streamed tokens and errors."""
        ...


class _NoSecrets:
    """The redactor of a host that resolves no secrets: nothing to take out."""

    def __bool__(self) -> bool:
        return False

    def text(self, text: str) -> str:
        return text

    def value(self, value: Any) -> Any:
        return value


NO_SECRETS: Redacts = _NoSecrets()


class NoServices:
    """A host that lends nothing. Subclass it and override what your host has.

    Each capability refuses with ``NodeError(kind="internal")`` naming the host class and what it
    lacks. Two are safe defaults instead of refusals: :meth:`http_policy` is the strictest policy
    (public addresses only), and :attr:`redactor` knows no secrets, since this host resolves none.
    """

    redactor: Redacts = NO_SECRETS
    #: What each capability is called in the refusal ("this host (X) has no <what>").
    LACKS: ClassVar[dict[str, str]] = {
        "chat": "chat models", "embedder": "embedding models", "moderator": "moderation model",
        "http_credential": "stored credentials for HTTP requests", "vectors": "vector store",
        "memory": "conversation memory", "document": "document store",
    }

    def lacks(self, capability: str, *, field: str | None = None) -> NodeError:
        """The error a node gets for a capability this host does not have."""
        return NodeError(f"this host ({type(self).__name__}) has no {self.LACKS[capability]}",
                         kind="internal", field=field)

    async def chat(self, provider: str, credential: str | None = None,
                   base_url: str | None = None) -> ChatProvider:
        raise self.lacks("chat")

    async def embedder(self, provider: str, credential: str | None = None,
                       base_url: str | None = None) -> EmbeddingProvider:
        raise self.lacks("embedder")

    async def moderator(self, provider: str, credential: str | None = None,
                        base_url: str | None = None) -> ModerationProvider:
        raise self.lacks("moderator", field="moderation")

    async def http_credential(self, credential: str) -> HttpCredential:
        raise self.lacks("http_credential", field="auth_credential")

    def http_policy(self) -> Policy:
        return Policy()

    def vectors(self) -> VectorStore:
        raise self.lacks("vectors")

    def memory(self) -> ConversationMemory:
        raise self.lacks("memory")

    def document(self, document_id: int) -> dict[str, Any]:
        raise self.lacks("document", field="document")
