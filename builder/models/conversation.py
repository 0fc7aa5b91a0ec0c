"""Conversation memory rows: a chat session of a workspace and its messages. The rules (session
names, the bound on messages, the token budget) are in :mod:`builder.conversations`."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from builder.models.workspace import Workspace

MAX_SESSION_CHARS = 200


class Conversation(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conversations")
    session = models.CharField(max_length=MAX_SESSION_CHARS)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "session"], name="one_conversation_per_session")]


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=20)
    content = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
