"""The team pages: workspace settings and API tokens need a login (settings: membership), and a
share link's page is public while the link works. It carries the catalog and the draft's ports
for its canvas and nothing of the workspace: no credential ids, no other pipelines."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from builder.graph_doc import GraphDoc
from builder.models import Pipeline, Workspace
from teams.models import ShareLink
from teams.sharing import create_share_link


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def boot_of(html: str) -> dict[str, Any]:
    m = re.search(r'<script id="fomo-boot" type="application/json">(.*?)</script>', html, re.S)
    assert m, "the page carries no boot data"
    return json.loads(m.group(1))


@pytest.fixture
def shared(users) -> tuple[Pipeline, str]:
    g = GraphDoc()
    g.node("topic", "input", {"name": "topic", "type": "text"})
    g.node("prompt", "prompt.template", {"template": "Write about {{ topic }} for {{ audience }}"})
    g.node("llm", "llm.chat", {"provider": "openai", "model": "gpt-4o-mini", "credential": "4242"})
    g.node("out", "output", {"name": "text"})
    g.edge("topic", "value", "prompt", "topic")
    g.edge("prompt", "text", "llm", "prompt")
    g.edge("llm", "text", "out", "value")
    ws = Workspace.personal_of(users["alice"])
    p = Pipeline.objects.create(workspace=ws, name="Essays", draft=g.doc(), created_by=users["alice"])
    Pipeline.objects.create(workspace=ws, name="Secret roadmap", draft=GraphDoc().doc(), created_by=users["alice"])
    _, raw = create_share_link(p, include_runs=True, hours=None, user=users["alice"])
    return p, raw


@pytest.mark.parametrize("path", ["/settings/tokens/", "/workspaces/{ws}/settings/"])
def test_anonymous_visitors_are_sent_to_log_in(users, path):
    path = path.format(ws=Workspace.personal_of(users["alice"]).pk)
    resp = Client().get(path)
    assert resp.status_code == 302 and resp["Location"] == f"/login/?next={path}"


def test_members_see_the_settings_page_and_strangers_do_not(users):
    ws = Workspace.personal_of(users["alice"])
    for name in ("alice", "bob", "vera"):
        page = logged_in(users[name]).get(f"/workspaces/{ws.pk}/settings/")
        assert page.status_code == 200 and b'data-page="workspace-settings"' in page.content
    assert logged_in(users["charlie"]).get(f"/workspaces/{ws.pk}/settings/").status_code == 404
    assert b'data-page="tokens"' in logged_in(users["charlie"]).get("/settings/tokens/").content


def test_a_share_page_is_public_and_carries_only_what_its_canvas_needs(users, shared):
    pipeline, raw = shared
    page = Client().get(f"/share/{raw}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-page="shared"' in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert "Log in" in html and "Log out" not in html and "/credentials/" not in html
    boot = boot_of(html)
    assert {"prompt.template", "llm.chat"} <= {t["type"] for t in boot["catalog"]["node_types"]}
    # The template's variables are the prompt node's ports, computed for the visitor.
    assert [p["name"] for p in boot["ports"]["prompt"]["inputs"]] == ["topic", "audience"]
    assert "4242" not in html and "Secret roadmap" not in html and "alice" not in html
    # Logged in, the same page names the visitor (who may then duplicate it).
    assert b'data-username="charlie"' in logged_in(users["charlie"]).get(f"/share/{raw}/").content


def test_dead_or_malformed_share_pages_are_not_found(users, shared):
    pipeline, raw = shared
    anon = Client()
    assert anon.get(f"/share/{raw[:-2]}zz/").status_code == 404
    ShareLink.objects.update(revoked=True)
    assert anon.get(f"/share/{raw}/").status_code == 404


@pytest.mark.parametrize("path", ["/share/", "/share//", "/share/x/../../settings/tokens/", "/SHARE/abc/",
                                  "/share/./", "/share/a//b/"])
def test_only_well_formed_share_paths_are_public(users, path):
    resp = Client().get(path)
    assert resp.status_code == 302 and resp["Location"].startswith("/login/?next=")
