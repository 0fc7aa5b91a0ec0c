"""Conversation memory: the budget keeps the newest messages, sessions are bounded and scoped to
their workspace, and the REST routes list, read and forget them."""
from __future__ import annotations

import pytest

from builder import conversations
from builder.conversations import MemoryStore, fit_budget
from builder.models import ConversationMessage, Workspace
from builder.tokens import count_tokens


def exchange(i: int) -> list[tuple[str, str]]:
    return [("user", f"question {i}"), ("assistant", f"answer {i}")]


def test_the_budget_keeps_the_newest_messages_starting_with_a_user_turn():
    messages = [{"role": r, "content": c} for i in range(5) for r, c in exchange(i)]
    per = count_tokens("question 1") + conversations.MESSAGE_OVERHEAD_TOKENS
    kept = fit_budget(messages, budget=3 * per)
    assert [m["content"] for m in kept] == ["question 4", "answer 4"]  # "answer 3" fit but cannot lead
    assert fit_budget(messages, 10_000) == messages and fit_budget(messages, 1) == []


def test_save_then_load_round_trips_in_order(users):
    ws = Workspace.personal_of(users["alice"])
    store = MemoryStore(ws.pk)
    store.save("chat-1", exchange(1))
    assert store.save("chat-1", exchange(2)) == 4
    assert [m["content"] for m in store.load("chat-1", 10_000)] == ["question 1", "answer 1", "question 2", "answer 2"]
    assert store.load("chat-2", 10_000) == []


def test_sessions_are_bounded(users, monkeypatch):
    monkeypatch.setattr(conversations, "MAX_MESSAGES", 6)
    store = MemoryStore(Workspace.personal_of(users["alice"]).pk)
    for i in range(5):
        store.save("s", exchange(i))
    assert ConversationMessage.objects.count() == 6
    assert store.load("s", 10_000)[0]["content"] == "question 2"


def test_another_workspace_cannot_read_a_session(users):
    MemoryStore(Workspace.personal_of(users["alice"]).pk).save("shared-name", exchange(1))
    assert MemoryStore(Workspace.personal_of(users["charlie"]).pk).load("shared-name", 10_000) == []


@pytest.mark.parametrize("session", ["", "   ", "x" * 201, "a\nb", 7])
def test_bad_session_ids_are_refused(users, session):
    with pytest.raises(ValueError):
        MemoryStore(Workspace.personal_of(users["alice"]).pk).save(session, exchange(1))


def test_the_api_lists_reads_and_forgets_sessions(users, as_user):
    ws = Workspace.personal_of(users["alice"])
    MemoryStore(ws.pk).save("visitor-42", exchange(1))
    listed = as_user("vera").get(f"/api/workspaces/{ws.pk}/conversations").json()
    assert [(c["session"], c["messages"]) for c in listed] == [("visitor-42", 2)]
    got = as_user("vera").get(f"/api/workspaces/{ws.pk}/conversations/visitor-42").json()
    assert [m["role"] for m in got["messages"]] == ["user", "assistant"]
    assert as_user("vera").delete(f"/api/workspaces/{ws.pk}/conversations/visitor-42").status_code == 403
    assert as_user("charlie").delete(f"/api/workspaces/{ws.pk}/conversations/visitor-42").status_code == 404
    assert as_user("bob").delete(f"/api/workspaces/{ws.pk}/conversations/visitor-42").status_code == 204
    assert ConversationMessage.objects.count() == 0
    assert as_user("bob").delete(f"/api/workspaces/{ws.pk}/conversations/visitor-42").status_code == 404
