"""REST for a workspace's documents and conversations.

Documents: upload a .txt, .md or .pdf file (multipart ``file``, optional ``name``) or paste text
(JSON ``{"name", "text"}``); list (without content), read (with content), delete. Conversations:
list the sessions a chat pipeline remembers, read one, forget one.
"""
from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder import documents
from builder.conversations import MemoryStore
from builder.documents import DocumentError
from builder.models import Document
from builder.policy import Action, require, role_in
from fomo.http import StrictSerializer, body
from fomo.parsers import SafeJSONParser


class PastedDocument(StrictSerializer):
    name = serializers.CharField(max_length=documents.MAX_NAME)
    text = serializers.CharField(trim_whitespace=False)


def _upload(request: Request) -> tuple[str, str, str, int]:
    """(name, text, source, size) from a multipart upload or a JSON body; nothing is written."""
    upload = request.FILES.get("file") if hasattr(request, "FILES") else None
    if upload is not None:
        if upload.size is not None and upload.size > documents.MAX_BYTES:
            raise documents.too_large(upload.size)
        data = upload.read(documents.MAX_BYTES + 1)
        text, source = documents.extract(upload.name or "", data)
        unknown = sorted(set(request.data) - {"file", "name"})
        if unknown:
            raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        return str(request.data.get("name") or upload.name or ""), text, source, len(data)
    if request.content_type and request.content_type.startswith("multipart/"):
        raise DocumentError("attach the file as the multipart field 'file'")
    data = body(PastedDocument, request)
    size = len(data["text"].encode("utf-8", "surrogatepass"))
    if size > documents.MAX_BYTES:
        raise documents.too_large(size)
    if not data["text"].strip():
        raise DocumentError("the document is empty")
    return data["name"], data["text"].replace("\x00", ""), documents.Source.PASTE, size


class WorkspaceDocuments(APIView):
    parser_classes = [SafeJSONParser, MultiPartParser]

    def get(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.READ)
        rows = Document.objects.filter(workspace_id=workspace_id).select_related("created_by").defer("content")
        return Response([_meta_without_content(d) for d in rows])

    def post(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.EDIT)
        name, text, source, size = _upload(request)
        doc = documents.create(workspace_id, request.user, name, text, source, size)
        return Response(doc.meta(), status=201)


def _meta_without_content(doc: Document) -> dict[str, Any]:
    return {"id": doc.pk, "workspace": doc.workspace_id, "name": doc.name, "size": doc.size, "source": doc.source,
            "created_by": doc.created_by.get_username() if doc.created_by else None,
            "created_at": doc.created_at.isoformat()}


def _document_for(user: Any, pk: int, action: Action) -> Document:
    doc = Document.objects.select_related("created_by").filter(pk=pk).first()
    if doc is None or role_in(user, doc.workspace_id) is None:
        raise Http404
    require(user, doc.workspace_id, action)
    return doc


class DocumentDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        doc = _document_for(request.user, pk, Action.READ)
        return Response({**doc.meta(), "text": doc.content})

    def delete(self, request: Request, pk: int) -> Response:
        _document_for(request.user, pk, Action.DELETE).delete()
        return Response(status=204)


class WorkspaceConversations(APIView):
    def get(self, request: Request, workspace_id: int) -> Response:
        require(request.user, workspace_id, Action.READ)
        return Response(MemoryStore(workspace_id).sessions())


class ConversationDetail(APIView):
    def get(self, request: Request, workspace_id: int, session: str) -> Response:
        require(request.user, workspace_id, Action.READ)
        store = MemoryStore(workspace_id)
        messages = store.messages(session)
        if not messages:
            raise Http404
        return Response({"session": session, "messages": messages})

    def delete(self, request: Request, workspace_id: int, session: str) -> Response:
        require(request.user, workspace_id, Action.DELETE)
        if not MemoryStore(workspace_id).delete(session):
            raise Http404
        return Response(status=204)
