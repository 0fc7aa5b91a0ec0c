"""The vector store: Chroma, namespaced per workspace. Plain Python (no Django).

One Chroma client per process: embedded (``chromadb.PersistentClient`` under the data
directory) by default, or a Chroma server when ``CHROMA_URL`` is set (needed as soon as more
than one process writes). Collections are created with no embedding function (Chroma's default
downloads a model) and cosine distance; every write and query passes embeddings explicitly.

A :class:`VectorStore` is bound to one workspace: the user's collection name ``docs`` is the
physical collection ``ws<workspace_id>__docs``, so no caller can name another workspace's
collection. Its methods block; nodes call them through ``asyncio.to_thread``.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,48}[A-Za-z0-9]$")
NAME_RULE = "3-50 characters: letters, digits, _ and -, starting and ending with a letter or digit"
SPACE = {"hnsw:space": "cosine"}
MAX_BATCH = 4000  # below Chroma's max batch size on every backend


class VectorError(Exception):
    """A store operation failed in a way the caller can name. ``kind``: ``bad_name``,
    ``not_found``, ``dimension``, ``bad_filter``, ``bad_input``, ``store``."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    text: str | None
    distance: float
    metadata: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "distance": self.distance, "metadata": self.metadata}


# ---------------------------------------------------------------- the process's client

_client_lock = threading.Lock()
_clients: dict[str, Any] = {}


def client(path: str | os.PathLike[str] | None = None) -> Any:
    """The process's Chroma client: ``CHROMA_URL`` if set, else embedded under ``path``
    (default ``$FOMO_DATA_DIR/chroma``). Created once per process and target."""
    url = os.environ.get("CHROMA_URL", "").strip()
    target = url or str(Path(path) if path else Path(os.environ.get("FOMO_DATA_DIR", "data")) / "chroma")
    found = _clients.get(target)
    if found is not None:
        return found
    with _client_lock:
        if target not in _clients:
            import chromadb
            from chromadb.config import Settings

            settings = Settings(anonymized_telemetry=False, allow_reset=False)
            if url:
                parsed = urlparse(url)
                https = parsed.scheme == "https"
                _clients[target] = chromadb.HttpClient(host=parsed.hostname or "127.0.0.1",
                                                       port=parsed.port or (443 if https else 8000),
                                                       ssl=https, settings=settings)
            else:
                Path(target).mkdir(parents=True, exist_ok=True)
                _clients[target] = chromadb.PersistentClient(path=target, settings=settings)
        return _clients[target]


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise VectorError(f"invalid collection name {name!r}: use {NAME_RULE}", "bad_name")
    return name


def _translate(exc: Exception, name: str) -> VectorError:
    from chromadb.errors import NotFoundError

    text = str(exc)
    if isinstance(exc, NotFoundError) or "does not exist" in text:
        return VectorError(f"collection {name!r} does not exist in this workspace", "not_found")
    if "dimension" in text:
        return VectorError(f"embedding dimension mismatch in collection {name!r}: {text}", "dimension")
    if "where" in text.lower() or "operator" in text.lower():
        return VectorError(f"bad metadata filter: {text}", "bad_filter")
    return VectorError(f"vector store error: {text}", "store")


# ---------------------------------------------------------------- one workspace's view


class VectorStore:
    """The collections of one workspace."""

    def __init__(self, workspace_id: int, chroma: Any | None = None, path: str | os.PathLike[str] | None = None):
        """``chroma``: a client to use; else the process's client for ``path`` (made on first use,
        so that constructing a store never blocks)."""
        self.workspace_id = int(workspace_id)
        self._chroma = chroma
        self._path = path

    @property
    def chroma(self) -> Any:
        if self._chroma is None:
            self._chroma = client(self._path)
        return self._chroma

    @property
    def prefix(self) -> str:
        return f"ws{self.workspace_id}__"

    def physical(self, name: str) -> str:
        return self.prefix + check_name(name)

    def _get(self, name: str) -> Any:
        try:
            return self.chroma.get_collection(self.physical(name), embedding_function=None)
        except VectorError:
            raise
        except Exception as exc:
            raise _translate(exc, name) from None

    def _get_or_create(self, name: str) -> Any:
        try:
            return self.chroma.get_or_create_collection(self.physical(name), embedding_function=None,
                                                        metadata=dict(SPACE))
        except VectorError:
            raise
        except Exception as exc:
            raise _translate(exc, name) from None

    def collections(self) -> list[dict[str, Any]]:
        """``[{"name", "count"}]`` of this workspace's collections, by name."""
        out = []
        for col in self.chroma.list_collections():
            physical = col if isinstance(col, str) else col.name
            if physical.startswith(self.prefix):
                name = physical[len(self.prefix):]
                try:
                    count = self.chroma.get_collection(physical, embedding_function=None).count()
                except Exception:  # dropped meanwhile
                    continue
                out.append({"name": name, "count": count})
        return sorted(out, key=lambda c: c["name"])

    def exists(self, name: str) -> bool:
        try:
            self._get(name)
        except VectorError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    def count(self, name: str) -> int:
        return int(self._get(name).count())

    def upsert(self, name: str, ids: list[str], texts: list[str], embeddings: list[list[float]],
               metadatas: list[dict[str, Any] | None] | None = None) -> int:
        """Insert or replace items, creating the collection on first write."""
        if not (len(ids) == len(texts) == len(embeddings)) or (metadatas is not None and len(metadatas) != len(ids)):
            raise VectorError("ids, texts, embeddings and metadatas must have the same length", "bad_input")
        if len(set(ids)) != len(ids):
            raise VectorError("ids must be unique within one upsert", "bad_input")
        if not ids:
            return 0
        col = self._get_or_create(name)
        metas = [m or None for m in metadatas] if metadatas is not None else None
        try:
            for start in range(0, len(ids), MAX_BATCH):
                end = start + MAX_BATCH
                col.upsert(ids=ids[start:end], documents=texts[start:end], embeddings=embeddings[start:end],
                           metadatas=metas[start:end] if metas and any(metas[start:end]) else None)
        except Exception as exc:
            raise _translate(exc, name) from None
        return len(ids)

    def query(self, name: str, embedding: list[float], k: int = 5,
              where: dict[str, Any] | None = None) -> list[Match]:
        """The ``k`` nearest items by cosine distance (smaller is nearer), nearest first."""
        col = self._get(name)
        try:
            found = col.query(query_embeddings=[embedding], n_results=k, where=where or None,
                              include=["documents", "distances", "metadatas"])
        except Exception as exc:
            raise _translate(exc, name) from None
        ids = found["ids"][0]
        docs = (found.get("documents") or [[None] * len(ids)])[0]
        dists = (found.get("distances") or [[0.0] * len(ids)])[0]
        metas = (found.get("metadatas") or [[None] * len(ids)])[0]
        return [Match(i, d, float(x), m) for i, d, x, m in zip(ids, docs, dists, metas, strict=True)]

    def delete(self, name: str, ids: list[str] | None = None, where: dict[str, Any] | None = None) -> int:
        """Delete items by id and/or metadata filter; returns how many went."""
        if not ids and not where:
            raise VectorError("give ids or a where filter to delete", "bad_input")
        col = self._get(name)
        try:
            before = col.count()
            result = col.delete(ids=ids or None, where=where or None)
            if isinstance(result, dict) and isinstance(result.get("deleted"), int):
                return int(result["deleted"])
            return int(before - col.count())
        except Exception as exc:
            raise _translate(exc, name) from None

    def peek(self, name: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Stored items (id, text, metadata; never vectors), in storage order."""
        col = self._get(name)
        got = col.get(limit=limit, offset=offset, include=["documents", "metadatas"])
        docs = got.get("documents") or [None] * len(got["ids"])
        metas = got.get("metadatas") or [None] * len(got["ids"])
        return [{"id": i, "text": d, "metadata": m} for i, d, m in zip(got["ids"], docs, metas, strict=True)]

    def drop(self, name: str) -> None:
        physical = self.physical(name)
        self._get(name)  # not_found for a missing collection
        self.chroma.delete_collection(physical)
