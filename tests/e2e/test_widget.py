"""The chat widget on someone else's page: a plain HTML page served from another 127.0.0.1 port
includes the script tag; Chromium opens the bubble, sends a message and sees the answer stream
in. The same page on an origin the key does not list gets no answer."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api
from tests.teams.test_embed import chat_graph

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Garden Shop</h1><p>Everything for your garden.</p>
<script src="{base}/embed/widget.js" data-fomo-key="{key}" data-fomo-title="Ask the shop" async></script>
</body></html>
"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[ThreadingHTTPServer, Path]]:
    """A static site of its own on 127.0.0.1 (another origin than fomo)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def widget_key(alice_api: Api, shop: tuple[ThreadingHTTPServer, Path]) -> dict[str, Any]:
    server, root = shop
    pipeline = alice_api.create_pipeline(chat_graph(latency_ms=2000), name="Shop assistant")
    assert alice_api.post(f"/api/pipelines/{pipeline['id']}/versions", {"message": "v1"}).status_code == 201
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    resp = alice_api.post(f"/api/pipelines/{pipeline['id']}/embed-keys", {"allowed_origins": [origin]})
    assert resp.status_code == 201, resp.text
    key = resp.json()
    (root / "index.html").write_text(PAGE.format(base=alice_api.base, key=key["key"]))
    return {**key, "port": server.server_address[1]}


def test_a_visitor_chats_through_the_widget_and_sees_the_answer_stream(
        page: Page, widget_key: dict[str, Any], console_errors: ConsoleErrors, artifacts: Path) -> None:
    page.goto(f"http://127.0.0.1:{widget_key['port']}/index.html")
    expect(page.get_by_role("heading", name="Garden Shop")).to_be_visible()
    page.get_by_role("button", name="Open chat").click()
    expect(page.get_by_role("dialog", name="Ask the shop")).to_be_visible()
    page.get_by_label("Your message").fill("Do you sell tulip bulbs?")
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".msg.user")).to_have_text("Do you sell tulip bulbs?")
    answer = page.locator(".msg.assistant")
    # Streaming: part of the answer shows before the run has finished...
    page.wait_for_function("""() => {
        const root = document.querySelector('[data-fomo-widget]').shadowRoot;
        const a = root.querySelector('.msg.assistant');
        return a && a.textContent.length > 0 && !a.hasAttribute('data-done');
    }""", timeout=20_000)
    partial_text = answer.text_content() or ""
    # ...and the whole answer once it has.
    expect(answer).to_have_attribute("data-done", "true", timeout=30_000)
    final = answer.text_content() or ""
    assert final.startswith(partial_text) and len(final) > len(partial_text)
    page.screenshot(path=str(artifacts / "widget-answer.png"))

    # A second message keeps the visitor's session: the pipeline's memory now holds both turns.
    page.get_by_label("Your message").fill("And roses?")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.assistant").nth(1)).to_have_attribute("data-done", "true", timeout=30_000)
    session = page.evaluate(f"localStorage.getItem('fomo-embed-session:{widget_key['key']}')")
    assert session
    assert not console_errors, console_errors


def test_the_widget_answers_nothing_on_an_origin_the_key_does_not_list(
        page: Page, widget_key: dict[str, Any], alice_api: Api) -> None:
    # localhost and 127.0.0.1 are different origins; only the latter is listed.
    page.goto(f"http://localhost:{widget_key['port']}/index.html")
    page.get_by_role("button", name="Open chat").click()
    page.get_by_label("Your message").fill("Hello?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".msg.error")).to_be_visible(timeout=15_000)
    expect(page.locator(".msg.assistant")).to_have_count(0)


def test_the_editor_makes_a_widget_key_and_shows_curl_for_the_pipeline(
        alice_page: Page, alice_api: Api, base_url: str, console_errors: ConsoleErrors) -> None:
    from tests.e2e.canvas import open_editor

    pipeline = alice_api.create_pipeline(chat_graph(), name="Editor widget")
    assert alice_api.post(f"/api/pipelines/{pipeline['id']}/versions", {"message": "v1"}).status_code == 201
    page = alice_page
    open_editor(page, base_url, pipeline["id"])

    page.get_by_role("button", name="API", exact=True).click()
    dialog = page.get_by_test_id("api-dialog")
    wait = dialog.locator('[data-example="run-wait"] pre')
    expect(wait).to_contain_text(f"/api/pipelines/{pipeline['id']}/run?wait=30")
    expect(wait).to_contain_text('"message":"your message"')
    expect(dialog.locator('[data-example="stream"] pre')).to_contain_text("/stream")
    expect(dialog.get_by_role("link", name="API reference")).to_have_attribute("href", "/api/docs")
    dialog.get_by_role("button", name="Create a token for this workspace").click()
    expect(wait).to_contain_text("Authorization: Bearer fomo_")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Embed", exact=True).click()
    embed = page.get_by_test_id("embed-dialog")
    embed.get_by_label("Allowed origins").fill("https://shop.example")
    embed.get_by_role("button", name="Create key").click()
    script = embed.get_by_test_id("embed-script")
    expect(script).to_contain_text('data-fomo-key="pk_fomo_')
    first = script.text_content()
    page.once("dialog", lambda d: d.accept())
    embed.get_by_role("button", name="Rotate").click()
    expect(script).not_to_have_text(first or "")
    keys = alice_api.get(f"/api/pipelines/{pipeline['id']}/embed-keys").json()
    assert [k["allowed_origins"] for k in keys] == [["https://shop.example"]] and keys[0]["key"] in (
        script.text_content() or "")
    assert not console_errors, console_errors
