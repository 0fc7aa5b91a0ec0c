"""Response headers that hold on every page: a Content-Security-Policy with a fresh nonce that every
inline script and style of the page carries (no 'unsafe-inline' for scripts), framing refused
except for the chat frame and its key's origins, nosniff and a same-origin Referrer-Policy."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from builder.models import Pipeline, Workspace
from teams.models import EmbedKey

pytestmark = [pytest.mark.django_db]

SHOP = "https://shop.example"


def policy(resp: Any) -> dict[str, list[str]]:
    header = resp.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {resp.request['PATH_INFO']}"
    out: dict[str, list[str]] = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        out[name] = values
    return out


class InlineParts(HTMLParser):
    """The page's inline scripts and styles, with their nonce (data blocks are not scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "style" or (tag == "script" and "src" not in a and a.get("type") != "application/json"):
            self.parts.append((tag, a.get("nonce")))


def inline_parts(html: str) -> list[tuple[str, str | None]]:
    parser = InlineParts()
    parser.feed(html)
    return parser.parts


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pages(users) -> dict[str, Any]:
    ws = Workspace.personal_of(users["alice"])
    pipeline = Pipeline.objects.create(workspace=ws, name="p", draft={"schema": 1, "nodes": [], "edges": []},
                                       created_by=users["alice"], updated_by=users["alice"])
    key = EmbedKey.objects.create(pipeline=pipeline, key="pk_fomo_headers", allowed_origins=[SHOP],
                                  created_by=users["alice"])
    return {"alice": logged_in(users["alice"]), "ws": ws, "pipeline": pipeline, "key": key}


APP_PAGES = ["/", "/pipelines/{pipeline}/", "/datasets/", "/workspaces/{ws}/credentials/", "/workspaces/{ws}/data/",
             "/workspaces/{ws}/settings/", "/settings/tokens/", "/ops/"]


@pytest.mark.parametrize("path", APP_PAGES)
def test_app_pages_carry_a_nonce_policy_that_their_inline_parts_match(pages, path):
    resp = pages["alice"].get(path.format(pipeline=pages["pipeline"].pk, ws=pages["ws"].pk))
    assert resp.status_code == 200
    csp = policy(resp)
    nonce = next(v for v in csp["script-src"] if v.startswith("'nonce-"))[len("'nonce-"):-1]
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["connect-src"] == ["'self'", "ws://testserver"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert all(n == nonce for _, n in inline_parts(resp.content.decode()))
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_the_ops_page_keeps_its_inline_script_and_style_under_the_nonce(pages):
    resp = pages["alice"].get("/ops/")
    nonce = re.search(r"'nonce-([^']+)'", resp.headers["Content-Security-Policy"]).group(1)
    assert sorted(inline_parts(resp.content.decode())) == [("script", nonce), ("style", nonce)]
    again = pages["alice"].get("/ops/")
    assert re.search(r"'nonce-([^']+)'", again.headers["Content-Security-Policy"]).group(1) != nonce


@pytest.mark.parametrize("path", ["/login/", "/signup/", "/invites/nope/"])
def test_the_public_pages_have_the_policy_too(path):
    resp = Client().get(path)
    csp = policy(resp)
    assert csp["frame-ancestors"] == ["'none'"] and "'unsafe-inline'" not in csp["script-src"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_the_chat_frame_may_be_framed_by_its_keys_origins_only(pages):
    resp = Client().get(f"/embed/{pages['key'].key}/")
    assert resp.status_code == 200 and "X-Frame-Options" not in resp.headers
    csp = policy(resp)
    assert csp["frame-ancestors"] == [SHOP]
    nonce = next(v for v in csp["style-src"] if v.startswith("'nonce-"))[len("'nonce-"):-1]
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"] and csp["connect-src"][0] == "'self'"
    html = resp.content.decode()
    assert all(n == nonce for _, n in inline_parts(html))
    assert f'src="/embed/widget.js" nonce="{nonce}"' in html  # the widget gives its <style> this nonce


def test_api_answers_are_not_sniffed(pages):
    resp = pages["alice"].get("/api/pipelines")
    assert resp.status_code == 200 and resp.headers["X-Content-Type-Options"] == "nosniff"
