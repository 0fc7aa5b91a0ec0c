"""The settings form in Chromium takes its widgets from the server's schema hints (x-widget): a
model node's provider is a list of that kind's providers, its credential picker offers the chosen
provider's credentials (and follows a change of provider), an HTTP request offers only http
credentials."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from builder.graph_doc import GraphDoc
from tests.e2e.canvas import open_editor
from tests.e2e.conftest import ConsoleErrors
from tests.integration.stack import Api

pytestmark = pytest.mark.e2e


def credential(api: Api, workspace: int, provider: str, name: str, base_url: str = "") -> int:
    body = {"provider": provider, "name": name, "secret": f"sk-e2e-widgets-{provider}-0000000000",
            **({"base_url": base_url} if base_url else {})}
    resp = api.post(f"/api/workspaces/{workspace}/credentials", body)
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


def options(page: Page, selector: str) -> list[str]:
    return page.locator(f"{selector} option").evaluate_all("(os) => os.map((o) => o.value)")


def test_provider_and_credential_fields_offer_what_fits_their_node(
        alice_page: Page, alice_api: Api, base_url: str, console_errors: ConsoleErrors) -> None:
    workspace = next(w["id"] for w in alice_api.get("/api/workspaces").json() if w["personal"])
    openai = credential(alice_api, workspace, "openai", "widgets openai")
    anthropic = credential(alice_api, workspace, "anthropic", "widgets anthropic")
    http = credential(alice_api, workspace, "http", "widgets crm", base_url="https://crm.example.com/api")
    g = GraphDoc()
    g.node("llm", "llm.chat", {"provider": "openai", "model": "gpt-4o-mini"})
    g.node("emb", "embed", {"provider": "local"})
    g.node("call", "http.request", {"url": "https://crm.example.com/api/items"})
    pipeline = alice_api.create_pipeline(g.doc(), name="Settings widgets")
    page = alice_page
    open_editor(page, base_url, pipeline["id"])

    page.locator('.react-flow__node[data-id="llm"] .fnode-head').click()
    chat_providers = options(page, "#cfg-llm-provider")
    assert "anthropic" in chat_providers and "local" not in chat_providers  # chat providers only
    picker = page.locator("#cfg-llm-credential")
    expect(picker).to_have_attribute("data-testid", "credential-select")
    ids = options(page, "#cfg-llm-credential")
    assert str(openai) in ids and str(anthropic) not in ids and str(http) not in ids
    page.locator("#cfg-llm-provider").select_option("anthropic")
    expect(picker.locator(f'option[value="{anthropic}"]')).to_have_count(1)
    ids = options(page, "#cfg-llm-credential")
    assert str(anthropic) in ids and str(openai) not in ids

    page.locator('.react-flow__node[data-id="emb"] .fnode-head').click()
    embed_providers = options(page, "#cfg-emb-provider")
    assert "local" in embed_providers and "anthropic" not in embed_providers  # embedding providers only

    page.locator('.react-flow__node[data-id="call"] .fnode-head').click()
    ids = options(page, "#cfg-call-auth_credential")
    assert str(http) in ids and str(openai) not in ids and str(anthropic) not in ids
    assert not console_errors, console_errors
