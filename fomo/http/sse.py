"""Server-sent events: the renderer that lets a client ask for ``text/event-stream``, the frame
format, and the streaming response every stream is served as."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

MEDIA_TYPE = "text/event-stream"


class EventStreamRenderer(BaseRenderer):
    """Lets clients that ask for ``text/event-stream`` through content negotiation; errors are
    still JSON."""

    media_type = MEDIA_TYPE
    format = "sse"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)


def frame(data: dict[str, Any], *, event: str | None = None, id: int | None = None) -> bytes:
    """One SSE frame: ``event:`` and ``id:`` lines when given, then the data as compact JSON."""
    head = (f"id: {id}\n" if id is not None else "") + (f"event: {event}\n" if event is not None else "")
    return f"{head}data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def stream_response(chunks: AsyncIterator[bytes] | Iterator[bytes]) -> StreamingHttpResponse:
    """``chunks`` as an event stream that no cache or buffering proxy (nginx) holds back."""
    resp = StreamingHttpResponse(chunks, content_type=MEDIA_TYPE)
    resp["Cache-Control"] = "no-cache"
    resp["X-Accel-Buffering"] = "no"
    return resp
