"""Chat widget keys in process: which pipelines can chat, origin parsing, and managing keys
(editors only; create, list, change, rotate, revoke). The public endpoint is tested through
the live stack in test_embed_live.py."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph_doc import GraphDoc
from builder.models import Pipeline, PipelineVersion, Workspace
from fomo.errors import DomainError
from teams.embed import NotAChat, chat_contract, normalize_origin, origin_allowed
from teams.models import Activity, EmbedKey


def chat_graph(latency_ms: int = 0, memory: bool = True) -> dict[str, Any]:
    g = GraphDoc()
    g.node("message", "input", {"name": "message", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": latency_ms})
    g.node("reply", "output", {"name": "reply"})
    g.edge("message", "value", "llm", "prompt")
    g.edge("llm", "text", "reply", "value")
    if memory:
        g.node("session", "input", {"name": "session", "type": "text"})
        g.node("history", "memory.load", {})
        g.node("remember", "memory.save", {})
        g.edge("session", "value", "history", "session")
        g.edge("history", "messages", "llm", "messages")
        g.edge("session", "value", "remember", "session")
        g.edge("message", "value", "remember", "user")
        g.edge("llm", "text", "remember", "assistant")
    return g.doc()


def test_it_reads_the_chat_contract_of_a_chat_pipeline():
    c = chat_contract(chat_graph())
    assert (c.message, c.session, c.answer, c.stream_node) == ("message", "session", "reply", "llm")
    assert chat_contract(chat_graph(memory=False)).session is None


def test_the_chat_template_is_a_chat_pipeline():
    from builder.templates_gallery import chat

    c = chat_contract(chat())
    assert (c.message, c.answer, c.stream_node) == ("message", "reply", "llm")


def test_it_refuses_pipelines_that_cannot_chat():
    from builder.graph_doc import transcript_summary

    no_output = chat_graph()
    no_output["nodes"] = [n for n in no_output["nodes"] if n["type"] != "output"]
    no_output["edges"] = [e for e in no_output["edges"] if e["target"] != "reply"]
    with pytest.raises(NotAChat, match="output"):
        chat_contract(no_output)
    extra = chat_graph()
    extra["nodes"].append({"id": "tier", "type": "input", "config": {"name": "tier", "type": "text"}})
    with pytest.raises(NotAChat, match="tier") as err:
        chat_contract(extra)
    assert err.value.details["node"] == "tier"
    extra["nodes"][-1]["config"]["default"] = "free"
    assert chat_contract(extra).message == "message"
    with pytest.raises(NotAChat):
        chat_contract({"nodes": "junk"})
    assert chat_contract(transcript_summary()).message == "transcript"  # one text input, one output


@pytest.mark.parametrize("raw, want", [
    ("https://Example.com", "https://example.com"), ("https://example.com/", "https://example.com"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"), ("https://a.io:443", "https://a.io"),
    ("http://a.io:80", "http://a.io"), ("http://[::1]:3000", "http://[::1]:3000"),
])
def test_it_normalises_origins_as_browsers_send_them(raw, want):
    assert normalize_origin(raw) == want


@pytest.mark.parametrize("raw", ["example.com", "ftp://a.io", "https://a.io/page", "https://a.io?x=1", "*",
                                 "https://u:p@a.io", "https://a.io:99999", "", 7])
def test_it_refuses_what_is_not_an_origin(raw):
    with pytest.raises(DomainError):
        normalize_origin(raw)


def test_origin_matching_is_exact():
    key = EmbedKey(allowed_origins=["https://shop.example"])
    assert origin_allowed(key, "https://shop.example")
    assert origin_allowed(key, "https://SHOP.example:443")
    for origin in (None, "", "null", "http://shop.example", "https://shop.example.evil.io", "https://evil.io"):
        assert not origin_allowed(key, origin), origin
    assert origin_allowed(key, "http://fomo.local", own_origin="http://fomo.local")


@pytest.fixture
def chat_pipeline(users) -> Pipeline:
    p = Pipeline.objects.create(workspace=Workspace.personal_of(users["alice"]), name="Helpdesk",
                                draft=chat_graph(), created_by=users["alice"], updated_by=users["alice"])
    PipelineVersion.objects.create(pipeline=p, number=1, graph=p.draft)
    return p


def keys_url(p: Pipeline) -> str:
    return f"/api/pipelines/{p.pk}/embed-keys"


def test_an_editor_creates_lists_changes_rotates_and_revokes_a_key(as_user, chat_pipeline):
    bob = as_user("bob")
    made = bob.post(keys_url(chat_pipeline), {"allowed_origins": ["https://Shop.example/"], "rate_per_minute": 5,
                                              "label": "shop"}, format="json")
    assert made.status_code == 201, made.content
    key = made.json()
    assert key["key"].startswith("pk_fomo_") and key["allowed_origins"] == ["https://shop.example"]
    assert f'data-fomo-key="{key["key"]}"' in key["script"] and "/embed/widget.js" in key["script"]
    assert f'/embed/{key["key"]}/' in key["iframe"]
    assert [k["id"] for k in as_user("alice").get(keys_url(chat_pipeline)).json()] == [key["id"]]

    changed = bob.patch(f"{keys_url(chat_pipeline)}/{key['id']}", {"rate_per_minute": 9}, format="json").json()
    assert changed["rate_per_minute"] == 9 and changed["allowed_origins"] == ["https://shop.example"]

    rotated = bob.post(f"{keys_url(chat_pipeline)}/{key['id']}/rotate").json()
    assert rotated["key"] != key["key"] and rotated["rotated_at"]
    assert not EmbedKey.objects.filter(key=key["key"]).exists()

    assert bob.delete(f"{keys_url(chat_pipeline)}/{key['id']}").status_code == 204
    assert EmbedKey.objects.get(pk=key["id"]).revoked
    assert bob.post(f"{keys_url(chat_pipeline)}/{key['id']}/rotate").status_code == 400
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"created_embed_key", "rotated_embed_key", "revoked_embed_key"} <= verbs


def test_bodies_are_checked_and_name_the_field(as_user, chat_pipeline):
    alice = as_user("alice")
    for bad, field in (({"allowed_origins": ["shop.example"]}, "allowed_origins"),
                       ({"allowed_origins": []}, "allowed_origins"),
                       ({"allowed_origins": ["https://a.io"], "rate_per_minute": 0}, "rate_per_minute"),
                       ({"allowed_origins": ["https://a.io"], "pipeline": 9}, "pipeline"),
                       ({"allowed_origins": ["https://a.io"], "key": "pk_fomo_mine"}, "key")):
        resp = alice.post(keys_url(chat_pipeline), bad, format="json")
        assert resp.status_code == 400, (bad, resp.content)
        assert field in resp.content.decode()
    assert not EmbedKey.objects.exists()


def test_a_key_needs_a_saved_version_of_a_chat_pipeline(as_user, pipeline, chat_pipeline):
    alice = as_user("alice")
    unsaved = alice.post(keys_url(pipeline), {"allowed_origins": ["https://a.io"]}, format="json")
    assert unsaved.status_code == 400 and unsaved.json()["error"]["code"] == "no_version"
    chat_pipeline.versions.all().delete()
    PipelineVersion.objects.create(pipeline=chat_pipeline, number=1, graph={"schema": 1, "nodes": [], "edges": []})
    resp = alice.post(keys_url(chat_pipeline), {"allowed_origins": ["https://a.io"]}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "not_a_chat"


def test_viewers_cannot_manage_keys_and_strangers_see_nothing(as_user, chat_pipeline):
    body = {"allowed_origins": ["https://a.io"]}
    assert as_user("vera").get(keys_url(chat_pipeline)).status_code == 403
    assert as_user("vera").post(keys_url(chat_pipeline), body, format="json").status_code == 403
    assert as_user("charlie").post(keys_url(chat_pipeline), body, format="json").status_code == 404
    key = as_user("alice").post(keys_url(chat_pipeline), body, format="json").json()
    assert as_user("charlie").delete(f"{keys_url(chat_pipeline)}/{key['id']}").status_code == 404
    assert as_user("vera").post(f"{keys_url(chat_pipeline)}/{key['id']}/rotate").status_code == 403
    assert not EmbedKey.objects.get(pk=key["id"]).revoked


def test_a_key_of_one_pipeline_is_not_found_under_another(as_user, chat_pipeline, pipeline):
    key = as_user("alice").post(keys_url(chat_pipeline), {"allowed_origins": ["https://a.io"]}, format="json").json()
    assert as_user("alice").delete(f"{keys_url(pipeline)}/{key['id']}").status_code == 404
    assert as_user("alice").post(f"{keys_url(pipeline)}/{key['id']}/rotate").status_code == 404


def test_the_widget_script_and_a_missing_frame_are_public(client, chat_pipeline):
    js = client.get("/embed/widget.js")
    assert js.status_code == 200 and js["Content-Type"].startswith("text/javascript")
    assert b"data-fomo-key" in js.content
    assert client.get("/embed/pk_fomo_nothing/").status_code == 404
    for path in ("/embed/../api/pipelines/1", "/embed//x", "/embed/./widget.js"):
        assert client.get(path).status_code in (302, 404), path


def test_the_frame_page_may_only_be_framed_by_the_keys_origins(client, as_user, chat_pipeline):
    key = as_user("alice").post(keys_url(chat_pipeline), {"allowed_origins": ["https://a.io", "http://b.io:81"]},
                                format="json").json()
    page = client.get(f"/embed/{key['key']}/")
    assert page.status_code == 200 and key["key"].encode() in page.content
    assert page["Content-Security-Policy"].split("; ")[0] == "frame-ancestors https://a.io http://b.io:81"
    assert "X-Frame-Options" not in page


def test_a_chat_turn_runs_the_latest_version_with_a_key_scoped_session(users, chat_pipeline, no_celery):
    from runs.models import Run
    from teams.embed import start_chat

    PipelineVersion.objects.create(pipeline=chat_pipeline, number=2, graph=chat_graph(latency_ms=5))
    key = EmbedKey.objects.create(pipeline=chat_pipeline, key="pk_fomo_t", allowed_origins=["https://a.io"],
                                  created_by=users["bob"])
    run, contract = start_chat(key, "Hello", "visitor-123")
    run = Run.objects.get(pk=run.pk)
    assert run.version.number == 2 and run.started_by == users["bob"]
    assert run.inputs == {"message": "Hello", "session": f"embed-{key.pk}-visitor-123"}
    assert contract.stream_node == "llm"
    # A visitor's message is not a member's doing: it stays off the activity list.
    assert not Activity.objects.filter(verb="ran").exists()


def test_a_chat_turn_needs_its_creator_to_still_run_the_pipeline(users, chat_pipeline, no_celery):
    from builder.models import Membership
    from fomo.errors import Forbidden
    from runs.models import Run
    from teams.embed import start_chat

    key = EmbedKey.objects.create(pipeline=chat_pipeline, key="pk_fomo_t", allowed_origins=["https://a.io"],
                                  created_by=users["bob"])
    Membership.objects.filter(user=users["bob"]).delete()
    with pytest.raises(Forbidden):
        start_chat(key, "Hello", "visitor-123")
    assert not Run.objects.exists()
