"""Conversation memory: the messages of a chat session, per workspace, bounded.

A session is named by the caller (a chat widget's session id, a user id…). Each saved exchange
adds a user and an assistant message; a session keeps its newest :data:`MAX_MESSAGES`. Runs reach
memory only through :class:`MemoryStore`, bound to the run's workspace.
"""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from builder import tokens
from builder.documents import release_connection
from builder.models.conversation import MAX_SESSION_CHARS, Conversation, ConversationMessage

MAX_MESSAGES = 200
MESSAGE_OVERHEAD_TOKENS = 4  # role and separators, as chat formats count them


class SessionError(ValueError):
    pass


def check_session(session: Any) -> str:
    if not isinstance(session, str):
        raise SessionError(f"the session id must be text, got {type(session).__name__}")
    session = session.strip()
    if not session:
        raise SessionError("the session id is empty")
    if len(session) > MAX_SESSION_CHARS or any(ord(c) < 32 for c in session):
        raise SessionError(f"the session id must be up to {MAX_SESSION_CHARS} printable characters")
    return session


def fit_budget(messages: list[dict[str, str]], budget: int) -> list[dict[str, str]]:
    """The newest messages whose tokens fit ``budget``, oldest first, starting with a user turn."""
    kept: list[dict[str, str]] = []
    used = 0
    for message in reversed(messages):
        cost = tokens.count_tokens(message["content"]) + MESSAGE_OVERHEAD_TOKENS
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    kept.reverse()
    while kept and kept[0]["role"] != "user":
        kept.pop(0)
    return kept


class MemoryStore:
    """One workspace's conversations. Blocking (ORM): nodes call it off the event loop."""

    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id

    def load(self, session: str, budget: int, max_messages: int = MAX_MESSAGES) -> list[dict[str, str]]:
        session = check_session(session)
        try:
            rows = list(ConversationMessage.objects.filter(
                conversation__workspace_id=self.workspace_id, conversation__session=session,
            ).order_by("-id").values("role", "content")[:max_messages])
        finally:
            release_connection()
        rows.reverse()
        return fit_budget([{"role": r["role"], "content": r["content"]} for r in rows], budget)

    def save(self, session: str, exchange: list[tuple[str, str]]) -> int:
        """Append ``(role, content)`` messages; trims the session to its newest MAX_MESSAGES.
        Returns how many messages the session holds."""
        session = check_session(session)
        try:
            for attempt in range(2):
                try:
                    return self._save(session, exchange)
                except IntegrityError:  # two runs created the session at once; the row exists now
                    if attempt:
                        raise
            raise AssertionError("unreachable")
        finally:
            release_connection()

    def _save(self, session: str, exchange: list[tuple[str, str]]) -> int:
        now = timezone.now()
        with transaction.atomic():
            convo, created = Conversation.objects.get_or_create(workspace_id=self.workspace_id, session=session,
                                                                defaults={"created_at": now, "updated_at": now})
            if not created:
                Conversation.objects.filter(pk=convo.pk).update(updated_at=now)
            ConversationMessage.objects.bulk_create(
                [ConversationMessage(conversation=convo, role=role, content=content, created_at=now)
                 for role, content in exchange])
            keep = list(ConversationMessage.objects.filter(conversation=convo).order_by("-id")
                        .values_list("id", flat=True)[:MAX_MESSAGES])
            if len(keep) == MAX_MESSAGES:
                ConversationMessage.objects.filter(conversation=convo, id__lt=keep[-1]).delete()
            return len(keep)

    def sessions(self) -> list[dict[str, Any]]:
        rows = Conversation.objects.filter(workspace_id=self.workspace_id).annotate(
            count=Count("messages")).order_by("-updated_at")
        return [{"session": c.session, "messages": c.count, "created_at": c.created_at.isoformat(),
                 "updated_at": c.updated_at.isoformat()} for c in rows]

    def messages(self, session: str) -> list[dict[str, Any]]:
        return [{"role": m.role, "content": m.content, "created_at": m.created_at.isoformat()}
                for m in ConversationMessage.objects.filter(conversation__workspace_id=self.workspace_id,
                                                            conversation__session=session)]

    def delete(self, session: str) -> bool:
        deleted, _ = Conversation.objects.filter(workspace_id=self.workspace_id, session=session).delete()
        return deleted > 0
