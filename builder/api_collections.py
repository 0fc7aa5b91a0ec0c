"""REST for a workspace's vector collections: list with counts, peek at items, delete, and a
test query (a text embedded with the local model, then the k nearest items).

Embedded Chroma belongs to one process: with several processes (web + workers), set
``CHROMA_URL`` so that these views and the workers see the same store.
"""
from __future__ import annotations

from django.conf import settings
from django.http import Http404
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.policy import Action, require
from builder.vectors import VectorError, VectorStore
from fomo.errors import DomainError
from fomo.http import StrictSerializer, body, query_int

MAX_PEEK = 200


def store_for(workspace_id: int) -> VectorStore:
    return VectorStore(workspace_id, path=settings.DATA_DIR / "chroma")


def _raise(exc: VectorError) -> None:
    if exc.kind in ("not_found", "bad_name"):
        raise Http404 from None
    raise DomainError(exc.message, code=exc.kind) from None


class CollectionList(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.READ)
        return Response(store_for(workspace_id).collections())


class CollectionDetail(APIView):
    def get(self, request: Request, workspace_id: int, name: str) -> Response:
        require(request.user, workspace_id, Action.READ)
        limit = query_int(request, "limit", 20, 1, MAX_PEEK)
        offset = query_int(request, "offset", 0, 0, 10**9)
        store = store_for(workspace_id)
        try:
            count = store.count(name)
            items = store.peek(name, limit=limit, offset=offset)
        except VectorError as exc:
            _raise(exc)
        return Response({"name": name, "count": count, "limit": limit, "offset": offset, "items": items})

    def delete(self, request: Request, workspace_id: int, name: str) -> Response:
        require(request.user, workspace_id, Action.DELETE)
        try:
            store_for(workspace_id).drop(name)
        except VectorError as exc:
            _raise(exc)
        return Response(status=204)


class QueryBody(StrictSerializer):
    text = serializers.CharField(max_length=4000)
    k = serializers.IntegerField(min_value=1, max_value=50, default=5)


def embed_query(text: str) -> list[float]:
    """The local model's vector for a query (``search_query``), computed in this process."""
    from builder.providers.local_embed import embed_sync

    vectors, _ = embed_sync([text])
    return vectors[0]


class CollectionQuery(APIView):
    """Try a collection out: the ``k`` items nearest to ``text`` embedded with the local model.
    Collections embedded with another model (other dimensions) answer 400 saying so."""

    def post(self, request: Request, workspace_id: int, name: str) -> Response:
        require(request.user, workspace_id, Action.READ)
        data = body(QueryBody, request)
        store = store_for(workspace_id)
        try:
            store.count(name)  # 404 before paying for an embedding
        except VectorError as exc:
            _raise(exc)
        vector = embed_query(data["text"])
        try:
            matches = store.query(name, vector, k=data["k"])
        except VectorError as exc:
            if exc.kind in ("not_found", "bad_name"):
                _raise(exc)
            raise DomainError(f"this collection cannot be queried with the local embedding model "
                              f"(all-MiniLM-L6-v2, {len(vector)} dimensions): {exc.message}",
                              code="dimension_mismatch", details={"field": "text"}) from None
        return Response({"name": name, "k": data["k"], "model": "all-MiniLM-L6-v2",
                         "matches": [m.as_dict() for m in matches]})
