"""The chat widget over HTTP: its keys under ``/api/pipelines/<id>/embed-keys`` (editors of the
pipeline), and the public side under ``/embed/`` (the script, the iframe page and the chat
endpoint, reached with a publishable key from the origins it lists)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.policy import Action, pipeline_for
from fomo.http import body, sse
from teams import embed
from teams import serializers as s

WIDGET_JS = Path(settings.ASSETS_DIR) / "static" / "embed" / "widget.js"


def own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


class EmbedKeys(APIView):
    def get(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        rows = pipeline.embed_keys.select_related("created_by").order_by("-created_at", "-id")
        return Response([s.embed_key_out(k, own_origin(request)) for k in rows])

    def post(self, request: Request, pk: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        key = embed.create_key(pipeline, request.user, body(s.EmbedKeyCreate, request))
        return Response(s.embed_key_out(key, own_origin(request)), status=201)


class EmbedKeyDetail(APIView):
    def patch(self, request: Request, pk: int, key_id: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        key = embed.update_key(pipeline, key_id, body(s.EmbedKeyUpdate, request))
        return Response(s.embed_key_out(key, own_origin(request)))

    def delete(self, request: Request, pk: int, key_id: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        embed.revoke_key(pipeline, key_id, request.user)
        return Response(status=204)


class EmbedKeyRotate(APIView):
    def post(self, request: Request, pk: int, key_id: int) -> Response:
        pipeline, _ = pipeline_for(request.user, pk, Action.EDIT)
        key = embed.rotate_key(pipeline, key_id, request.user)
        return Response(s.embed_key_out(key, own_origin(request)))


class EmbedChat(APIView):
    """``POST /embed/api/<key>/chat`` {message, session?}: one chat turn as server-sent events.

    Anonymous by design; the key, the request's ``Origin`` (checked here, not only by the
    browser's CORS), and the key's rate limit decide. CORS headers name the caller's origin only
    when it is allowed."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []
    renderer_classes = [JSONRenderer, sse.EventStreamRenderer]
    cors_origin: str | None = None
    retry_after: float | None = None

    def _allow(self, request: Request, raw_key: str) -> Any:
        key = embed.usable_key(raw_key)
        origin = request.headers.get("Origin")
        if not embed.origin_allowed(key, origin, own_origin(request)):
            raise embed.OriginNotAllowed("This page's origin is not allowed to use this chat.",
                                         details={"origin": origin})
        self.cors_origin = origin
        return key

    def options(self, request: Request, key: str) -> Response:
        self._allow(request, key)
        return Response(status=204, headers={"Access-Control-Allow-Methods": "POST, OPTIONS",
                                             "Access-Control-Allow-Headers": "Content-Type",
                                             "Access-Control-Max-Age": "600"})

    def post(self, request: Request, key: str) -> StreamingHttpResponse:
        k = self._allow(request, key)
        embed.check_rate(k)
        data = body(s.EmbedChat, request)
        session = embed.check_session(data.get("session"))
        run, contract = embed.start_chat(k, data["message"], session)
        return sse.stream_response(embed.chat_stream(run.pk, contract, session))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, embed.RateLimited):
            self.retry_after = exc.wait
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Vary"] = "Origin"
        if self.cors_origin:
            response["Access-Control-Allow-Origin"] = self.cors_origin
            response["Access-Control-Expose-Headers"] = "Retry-After"
        if self.retry_after is not None:
            response["Retry-After"] = str(int(self.retry_after))
        return response


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """The widget: one self-contained script, no build step."""
    resp = HttpResponse(WIDGET_JS.read_bytes(), content_type="text/javascript; charset=utf-8")
    resp["Cache-Control"] = "public, max-age=300"
    resp["Cross-Origin-Resource-Policy"] = "cross-origin"
    return resp


@require_GET
@xframe_options_exempt
def frame_page(request: HttpRequest, key: str) -> HttpResponse:
    """The iframe variant: a page holding only the open chat; only the key's origins may frame it."""
    from django.http import Http404

    try:
        k = embed.usable_key(key)
    except Http404:
        return render(request, "embed/frame.html", {"missing": True}, status=404)
    resp = render(request, "embed/frame.html", {"key": k.key, "title": k.label or k.pipeline.name})
    resp["Content-Security-Policy"] = "frame-ancestors " + " ".join(k.allowed_origins)
    return resp
