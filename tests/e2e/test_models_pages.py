"""Models and data pages in Chromium: the template gallery creates the Q&A pipelines, the
credentials page stores a key whose secret never shows again, the data page lists the
collection the ingest pipeline wrote, and the chat playground holds a two-turn conversation
whose answers stream live and whose second turn remembers the first."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from builder.graph_doc import GraphDoc
from builder.providers.fake import reply_for
from fomo.stack import read_events
from tests.e2e.canvas import open_editor
from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api

pytestmark = pytest.mark.e2e

SECRET = "sk-e2e-NEVER-SHOWN-4d9c2b7a1e"


def personal_workspace(api: Api) -> int:
    return next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])


def test_the_gallery_makes_both_qa_pipelines_and_the_data_page_shows_the_collection(
        alice_page: Page, alice_api: Api, base_url: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    page = alice_page
    card = page.get_by_test_id("template-document-qa")
    expect(card).to_contain_text("Creates 2 pipelines")
    page.screenshot(path=str(artifacts / "models-gallery.png"), full_page=True)
    card.get_by_role("button", name="Use template Q&A over a document").click()

    dialog = page.get_by_role("dialog", name="Pipelines created")
    expect(dialog.get_by_role("listitem")).to_have_count(2)
    expect(dialog.get_by_role("listitem").nth(0)).to_contain_text("Q&A: ingest a document")
    expect(dialog.get_by_role("listitem").nth(1)).to_contain_text("Q&A: ask a question")
    dialog.get_by_role("link", name=re.compile("Open “Q&A: ingest")).click()
    page.wait_for_url(re.compile(r"/pipelines/\d+/$"))
    expect(page.locator(".react-flow__node")).to_have_count(5)
    ingest_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    # the embed node's model field offers the local models (any other name may still be typed)
    page.locator('.react-flow__node[data-id="embed"] .fnode-head').click()
    suggested = page.get_by_test_id("model-suggestions").locator("option")
    expect(suggested).to_have_count(2)
    assert [suggested.nth(i).get_attribute("value") for i in range(2)] == ["all-minilm-l6-v2", "minilm-static-256"]

    run = alice_api.start_run(ingest_id, {})
    with alice_api.websocket(run["id"]) as ws:
        read_events(ws)
    assert alice_api.get(f"/api/runs/{run['id']}").json()["status"] == "succeeded"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Documents").click()
    page.wait_for_url(re.compile(r"/workspaces/\d+/data/$"))
    row = page.get_by_test_id("collection-qa-sample")
    expect(row).to_contain_text(re.compile(r"qa-sample\s*\d+"))
    row.get_by_role("button", name="Open qa-sample").click()
    peek = page.get_by_role("dialog", name="Collection “qa-sample”")
    expect(peek.locator(".peek-item").first).to_be_visible()
    peek.get_by_label("Test query").fill("What is the waggle dance for?")
    peek.get_by_role("button", name="Search").click()
    matches = peek.get_by_label("Matches").locator(".peek-item")
    expect(matches).to_have_count(5)
    expect(matches.first).to_contain_text("distance")
    expect(matches.first).to_contain_text(re.compile("waggle|dance", re.I))
    page.screenshot(path=str(artifacts / "models-collection.png"))
    peek.get_by_role("button", name="Close").last.click()

    # Documents: a refused type shows why; a Markdown file lands in the list.
    upload = page.locator("#doc-upload")
    upload.set_input_files([{"name": "notes.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"},
                            {"name": "notes.md", "mimeType": "text/markdown", "buffer": b"# Notes\n\nBees dance."}])
    expect(page.get_by_role("alert", name="Upload problems")).to_contain_text("notes.docx: only .txt, .md and .pdf")
    expect(page.locator("tr", has_text="notes.md")).to_be_visible()
    assert not console_errors, console_errors


def test_a_credential_is_added_and_its_secret_never_shows_again(
        alice_page: Page, alice_api: Api, base_url: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    page = alice_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Credentials").click()
    page.wait_for_url(re.compile(r"/workspaces/\d+/credentials/$"))
    page.get_by_role("button", name="Add credential").first.click()
    dialog = page.get_by_role("dialog", name="Add credential")
    dialog.get_by_label("Provider").select_option("openai")
    dialog.get_by_label("Name").fill("e2e OpenAI key")
    secret = dialog.get_by_label("Secret", exact=True)
    expect(secret).to_have_attribute("type", "password")
    secret.fill(SECRET)
    page.screenshot(path=str(artifacts / "models-credential-add.png"))
    dialog.get_by_role("button", name="Save credential").click()

    row = page.locator("tr", has_text="e2e OpenAI key")
    expect(row).to_contain_text("OpenAI")
    expect(row.get_by_label("Masked secret")).to_have_text(re.compile(r"^\S*1e$"))
    page.screenshot(path=str(artifacts / "models-credentials.png"))
    assert SECRET not in page.content()
    page.reload()
    expect(page.locator("tr", has_text="e2e OpenAI key")).to_be_visible()
    assert SECRET not in page.content()

    # Replacing the secret: the edit dialog starts empty and shows only the hint.
    page.get_by_role("button", name="Edit e2e OpenAI key").click()
    edit = page.get_by_role("dialog", name="Edit “e2e OpenAI key”")
    expect(edit.get_by_label("New secret")).to_have_value("")
    assert SECRET not in page.content()
    edit.get_by_label("New secret").fill("sk-e2e-rotated-000000000099")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("tr", has_text="e2e OpenAI key").get_by_label("Masked secret")).to_have_text(
        re.compile(r"99$"))
    listed = alice_api.get(f"/api/workspaces/{personal_workspace(alice_api)}/credentials").text
    assert SECRET not in listed and "rotated" not in listed
    assert not console_errors, console_errors


def chat_with_memory() -> dict:
    g = GraphDoc()
    g.node("session", "input", {"name": "session", "type": "text"})
    g.node("message", "input", {"name": "message", "type": "text"})
    g.node("history", "memory.load", {"max_tokens": 1000})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": 2500})
    g.node("remember", "memory.save", {})
    g.node("answer", "output", {"name": "answer"})
    g.edge("session", "value", "history", "session")
    g.edge("history", "messages", "llm", "messages")
    g.edge("message", "value", "llm", "prompt")
    g.edge("session", "value", "remember", "session")
    g.edge("message", "value", "remember", "user")
    g.edge("llm", "text", "remember", "assistant")
    g.edge("llm", "text", "answer", "value")
    return g.doc()


def test_the_chat_playground_streams_answers_and_remembers_the_session(
        alice_page: Page, alice_api: Api, base_url: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    page = alice_page
    pipeline = alice_api.create_pipeline(chat_with_memory(), name="Chat with memory")
    open_editor(page, base_url, pipeline["id"])
    page.get_by_role("toolbar", name="Editor").get_by_role("button", name="Chat").click()
    pane = page.get_by_role("region", name="Chat playground")
    session = pane.locator(".chat-session").inner_text().removeprefix("session ")

    first, second = "My name is Otto.", "What is my name?"
    u1 = {"role": "user", "content": first}
    expected_1 = reply_for("fake-small", [u1])
    expected_2 = reply_for("fake-small", [u1, {"role": "assistant", "content": expected_1},
                                          {"role": "user", "content": second}])
    assert expected_2 != reply_for("fake-small", [{"role": "user", "content": second}])

    answers = pane.get_by_test_id("chat-answer")
    for turn, (message, expected) in enumerate(((first, expected_1), (second, expected_2))):
        pane.get_by_label("Message").fill(message)
        pane.get_by_label("Message").press("Enter")
        # Streaming: part of the answer is on screen while its run is still going.
        streaming = answers.nth(turn)
        expect(streaming).to_have_attribute("data-status", "running", timeout=15000)
        expect(streaming).to_contain_text("Summary of:", timeout=15000)
        assert streaming.get_attribute("data-status") == "running"
        expect(streaming).to_have_attribute("data-status", "done", timeout=30000)
        expect(streaming).to_contain_text(expected)
        link = streaming.get_by_role("link", name=re.compile(r"run #\d+"))
        run_id = link.get_attribute("href").strip("/").rsplit("/", 1)[1]
        detail = alice_api.get(f"/api/runs/{run_id}").json()
        assert detail["inputs"] == {"message": message, "session": session}
        assert detail["outputs"]["answer"] == expected
    page.screenshot(path=str(artifacts / "models-chat.png"))

    ws = personal_workspace(alice_api)
    stored = alice_api.get(f"/api/workspaces/{ws}/conversations/{session}").json()["messages"]
    assert [m["content"] for m in stored] == [first, expected_1, second, expected_2]

    # Closing the pane keeps the conversation; the LLM's settings link to the credentials page.
    pane.get_by_role("button", name="Close chat").click()
    page.get_by_role("tab", name="Settings").click()
    page.locator('.react-flow__node[data-id="llm"] .fnode-head').click()
    expect(page.get_by_role("link", name="Add credential…")).to_have_attribute(
        "href", f"/workspaces/{personal_workspace(alice_api)}/credentials/")
    page.get_by_role("toolbar", name="Editor").get_by_role("button", name="Chat").click()
    expect(answers).to_have_count(2)
    pane.get_by_role("button", name="Clear memory").click()
    expect(answers).to_have_count(0)
    assert alice_api.get(f"/api/workspaces/{ws}/conversations/{session}").status_code == 404
    pane.get_by_role("button", name="New session").click()
    assert pane.locator(".chat-session").inner_text().removeprefix("session ") != session
    assert not console_errors, console_errors
