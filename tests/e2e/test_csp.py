"""The Content-Security-Policy breaks no page: Chromium opens every kind of page fomo serves, waits
for it to draw, and no `securitypolicyviolation` event nor CSP console error is seen. The chat
frame is embeddable by a page on its key's origin (its inline style allowed by the nonce) and not
by any other origin."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_widget import Quiet
from tests.integration.graphs import llm_chain
from tests.integration.stack import Api, read_events
from tests.teams.test_embed import chat_graph

pytestmark = pytest.mark.e2e

WATCH = """document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI);
});"""


def violations(page: Page, console: list[str]) -> list[str]:
    seen = [str(v) for frame in page.frames for v in (frame.evaluate("window.__csp || []") or [])]
    return seen + [m for m in console if "Content Security Policy" in m]


def watched(page: Page) -> list[str]:
    console: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: console.append(m.text))
    return console


@pytest.fixture(scope="module")
def world(alice_api: Api) -> dict[str, Any]:
    pipeline = alice_api.create_pipeline(llm_chain(1, 0), name="CSP pages")
    run = alice_api.start_run(pipeline["id"], {"topic": "policies"})
    with alice_api.websocket(run["id"]) as sock:
        read_events(sock)
    share = alice_api.post(f"/api/pipelines/{pipeline['id']}/share-links", {}).json()
    ws = alice_api.get("/api/workspaces").json()[0]["id"]
    return {"pipeline": pipeline["id"], "run": run["id"], "share": share["token"], "ws": ws}


PAGES = {  # path -> what shows once the page has drawn
    "/": "#root *", "/pipelines/{pipeline}/": ".react-flow__node", "/runs/{run}/": "#root *",
    "/datasets/": "#root *", "/workspaces/{ws}/credentials/": "#root *", "/workspaces/{ws}/data/": "#root *",
    "/workspaces/{ws}/settings/": "#root *", "/settings/tokens/": "#root *",
    "/ops/": "#status:text-matches('updated')", "/share/{share}/": ".react-flow__node",
    "/api/docs/swagger": ".swagger-ui .info", "/api/docs": "redoc *, #redoc-container *",
}


# Redoc's page asks Google for fonts and Redocly's CDN for its logo: blocking those is the policy
# doing its job (fomo's pages load nothing from elsewhere), and the reference draws without them.
THIRD_PARTY = ("https://fonts.googleapis.com/", "https://cdn.redoc.ly/")


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_draws_without_a_policy_violation(alice_page: Page, base_url: str, world, path) -> None:
    console = watched(alice_page)
    alice_page.goto(base_url + path.format(**world))
    expect(alice_page.locator(PAGES[path]).first).to_be_attached(timeout=20_000)
    alice_page.wait_for_timeout(500)  # late loads (lazy chunks, fonts, sockets) report too
    seen = violations(alice_page, console)
    ours = [v for v in seen if not any(host in v for host in THIRD_PARTY)]
    assert not ours, ours


def test_the_log_in_page_works_under_the_policy(page: Page, base_url: str) -> None:
    from tests.e2e.conftest import log_in

    console = watched(page)
    log_in(page, base_url, "alice")
    assert not violations(page, console), violations(page, console)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_chat_frame_embeds_on_its_keys_origin_only(browser: Browser, alice_api: Api, base_url: str,
                                                       shop: tuple[int, Path]) -> None:
    port, root = shop
    pipeline = alice_api.create_pipeline(chat_graph(), name="Framed chat")
    assert alice_api.post(f"/api/pipelines/{pipeline['id']}/versions", {"message": "v1"}).status_code == 201
    key = alice_api.post(f"/api/pipelines/{pipeline['id']}/embed-keys",
                         {"allowed_origins": [f"http://127.0.0.1:{port}"]}).json()["key"]
    (root / "index.html").write_text(f'<!doctype html><title>Shop</title><h1>Shop</h1>'
                                     f'<iframe id="chat" src="{base_url}/embed/{key}/" width="400" height="500">'
                                     f'</iframe>')
    page = browser.new_page()
    try:
        console = watched(page)
        page.goto(f"http://127.0.0.1:{port}/index.html")
        chat = page.frame_locator("#chat")
        expect(chat.get_by_label("Your message")).to_be_visible(timeout=15_000)
        # The widget's own <style> applied (it carries the frame's nonce): its header is indigo.
        header = chat.locator("header").first
        expect(header).to_have_css("background-color", "rgb(79, 70, 229)")
        assert not violations(page, console), violations(page, console)

        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text))
        page.goto(f"http://localhost:{port}/index.html")  # another origin than the key lists
        page.wait_for_timeout(1500)
        assert page.frame_locator("#chat").get_by_label("Your message").count() == 0
        assert any("frame-ancestors" in m for m in refused), refused
    finally:
        page.close()
