"""The websocket stream of a run: replay what is stored after ``?after=N``, then forward live
events, each ``seq`` exactly once and in order. The channel layer may drop messages; a gap
is filled from the database, which is the source of truth."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from builder.policy import member_group, token_group
from fomo import jsonsafe
from runs.access import can_view_run, run_workspace
from runs.eventlog import PAGE, events_after
from runs.publish import run_group


class RunEventsConsumer(AsyncJsonWebsocketConsumer):
    run_id: int
    last_seq: int
    group: str | None = None
    access_group: str | None = None  # closes this socket when the user loses access
    token_group: str | None = None  # closes this socket when its API token is revoked

    async def connect(self) -> None:
        user = self.scope.get("user")
        protocols = list(self.scope.get("subprotocols") or [])
        if protocols[:1] == ["bearer"]:
            # An API token as `Sec-WebSocket-Protocol: bearer, <token>` (headers, unlike URLs, do
            # not end up in access logs), already checked by teams.sockets.ApiTokenSocketAuth,
            # which put the token's user in the scope instead of the session's.
            await self.accept(subprotocol="bearer")
            token_id = self.scope.get("api_token_id")
            if "api_token_id" not in self.scope:  # no token middleware: never fall back to the session
                user = None
            elif token_id is not None:
                self.token_group = token_group(token_id)
                await self.channel_layer.group_add(self.token_group, self.channel_name)
                if not await database_sync_to_async(self.scope["api_token_usable"])():  # revoked meanwhile
                    user = None
        else:
            await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        workspace_id = await database_sync_to_async(run_workspace)(self.run_id)
        if workspace_id is not None:
            # Joined before the access check, so a removal that races this connect still closes it.
            self.access_group = member_group(workspace_id, user.pk)
            await self.channel_layer.group_add(self.access_group, self.channel_name)
        if workspace_id is None or not await database_sync_to_async(can_view_run)(user, self.run_id):
            await self.close(code=4404)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            self.last_seq = max(0, int(query.get("after", ["0"])[0]))
        except ValueError:
            self.last_seq = 0
        # Subscribe before replaying so nothing published in between is missed.
        self.group = run_group(self.run_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._catch_up()

    async def disconnect(self, code: int) -> None:
        for group in (self.group, self.access_group, self.token_group):
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def force_close(self, message: dict[str, Any]) -> None:
        """The user was removed from the run's workspace: stop streaming at once."""
        await self.close(code=4403)

    async def token_revoked(self, message: dict[str, Any]) -> None:
        """The API token this socket was opened with was revoked."""
        await self.close(code=4401)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        # A client's frame that is not small, storable JSON text gets an error frame, not a crash
        # of the consumer (which would drop the socket); see fomo/jsonsafe.py.
        try:
            content = jsonsafe.loads(text_data if text_data is not None else (bytes_data or b"").decode())
        except ValueError as exc:  # UnsafeJSON, JSONDecodeError and UnicodeDecodeError are ValueErrors
            code = "too_deep" if getattr(exc, "code", None) == "too_deep" else "invalid_json"
            await self.send_json({"type": "error", "error": {"code": code, "message": str(exc)[:300]}})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Clients may ask to resume explicitly: {"type": "resume", "after": N}.
        if isinstance(content, dict) and content.get("type") == "resume":
            await self._catch_up()

    async def run_events(self, message: dict[str, Any]) -> None:
        fresh = [e for e in message["events"] if e["seq"] > self.last_seq]
        if not fresh:
            return
        if fresh[0]["seq"] != self.last_seq + 1:
            await self._catch_up()  # a message was dropped: fill the gap from the database
            fresh = [e for e in fresh if e["seq"] > self.last_seq]
            if not fresh or fresh[0]["seq"] != self.last_seq + 1:
                return
        await self._send(fresh)

    async def _catch_up(self) -> None:
        while True:
            events = await database_sync_to_async(events_after)(self.run_id, self.last_seq, PAGE)
            if not events:
                return
            await self._send(events)
            if len(events) < PAGE:
                return

    async def _send(self, events: list[dict[str, Any]]) -> None:
        await self.send_json({"type": "events", "events": events})
        self.last_seq = events[-1]["seq"]
