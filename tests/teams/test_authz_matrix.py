"""The authorization matrix, generated from the URL configuration: every API route × method ×
persona answers as the EXPECT table says. A route missing from the table fails the test, so a
new route cannot ship without deciding who may call it.

Personas: anonymous; viewer (vera), editor (bob), owner (alice) of the workspace that holds the
objects; outsider (charlie, a member of another workspace only); scoped (alice's own API token,
scoped to her other workspace); share (an anonymous holder of the pipeline's share link).
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLResolver
from rest_framework.test import APIClient

from builder.credentials import set_secret
from builder.models import Credential, Document, Pipeline, PipelineVersion, Workspace
from fomo import urls
from runs.models import Run
from teams.keys import new_api_token, new_link_token
from teams.models import ApiToken, EmbedKey, Invite, ShareLink

PERSONAS = ["anonymous", "viewer", "editor", "owner", "outsider", "scoped", "share"]
MEMBER_ROLE = {"viewer": "viewer", "editor": "editor", "owner": "owner"}
ROLE_ALLOWS = {"read": {"viewer", "editor", "owner"}, "edit": {"editor", "owner"}, "run": {"editor", "owner"},
               "delete": {"editor", "owner"}, "admin": {"owner"}}

# kind: an Action of the main workspace ("read", "edit", "run", "delete", "admin"); "login" (any
# logged-in user, sessions and tokens); "session" (logged in, not with a token); "share" (anyone
# holding the link); "share_login" (a logged-in link holder).
EXPECT: dict[str, dict[str, tuple[str, Any]]] = {
    "api/workspaces": {"GET": ("login", None), "POST": ("login", {"name": "New"})},
    "api/node-types": {"GET": ("login", None)},
    "api/node-types/ports": {"POST": ("login", {"type": "text.constant", "config": {}})},
    "api/pipelines": {"GET": ("login", None), "POST": ("edit", {"name": "n", "workspace": "{ws}"})},
    "api/pipelines/<int:pk>": {"GET": ("read", None), "PATCH": ("edit", {"name": "x"}), "DELETE": ("delete", None)},
    "api/pipelines/<int:pk>/duplicate": {"POST": ("edit", None)},
    "api/pipelines/<int:pk>/draft": {"PUT": ("edit", {"graph": {"schema": 1, "nodes": [], "edges": []},
                                                      "base_revision": 1})},
    "api/pipelines/<int:pk>/validate": {"POST": ("read", {"graph": {}})},
    "api/pipelines/<int:pk>/versions": {"GET": ("read", None), "POST": ("edit", {"message": "m"})},
    "api/pipelines/<int:pk>/versions/<int:number>": {"GET": ("read", None)},
    "api/pipelines/<int:pk>/versions/<int:number>/restore": {"POST": ("edit", None)},
    "api/pipelines/<int:pk>/versions/compare": {"GET": ("read", None)},
    "api/pipelines/<int:pk>/runs": {"GET": ("read", None), "POST": ("run", {"inputs": {"transcript": "x"}})},
    "api/pipelines/<int:pk>/run": {"POST": ("run", {"inputs": {"transcript": "x"}, "draft": True})},
    "api/pipelines/<int:pk>/move": {"POST": ("delete", {"workspace": "{ws}"})},
    # Reading the source is enough; the target (here the same workspace) needs edit rights.
    "api/pipelines/<int:pk>/copy": {"POST": ("edit", {"workspace": "{ws}"})},
    "api/pipelines/<int:pk>/export": {"GET": ("read", None)},
    "api/pipelines/<int:pk>/share-links": {"GET": ("edit", None), "POST": ("edit", {})},
    "api/pipelines/<int:pk>/share-links/<int:link_id>": {"DELETE": ("edit", None)},
    "api/pipelines/<int:pk>/embed-keys": {"GET": ("edit", None), "POST": ("edit", {"allowed_origins": ["https://a.io"]})},
    "api/pipelines/<int:pk>/embed-keys/<int:key_id>": {"PATCH": ("edit", {"rate_per_minute": 5}),
                                                       "DELETE": ("edit", None)},
    "api/pipelines/<int:pk>/embed-keys/<int:key_id>/rotate": {"POST": ("edit", None)},
    "api/runs/<int:pk>": {"GET": ("read", None)},
    "api/runs/<int:pk>/events": {"GET": ("read", None)},
    "api/runs/<int:pk>/nodes/<str:node_id>": {"GET": ("read", None)},
    "api/runs/<int:pk>/stream": {"GET": ("read", None)},
    "api/runs/<int:pk>/cancel": {"POST": ("run", None)},
    "api/workspaces/<int:workspace_id>": {"GET": ("read", None), "PATCH": ("admin", {"name": "x"})},
    "api/workspaces/<int:workspace_id>/members": {"GET": ("read", None),
                                                  "POST": ("admin", {"username": "dora", "role": "viewer"})},
    "api/workspaces/<int:workspace_id>/members/<int:user_id>": {"PATCH": ("admin", {"role": "viewer"}),
                                                                "DELETE": ("admin", None)},
    "api/workspaces/<int:workspace_id>/leave": {"POST": ("read", None)},
    "api/workspaces/<int:workspace_id>/invites": {"GET": ("admin", None), "POST": ("admin", {"role": "viewer"})},
    "api/workspaces/<int:workspace_id>/invites/<int:invite_id>": {"DELETE": ("admin", None)},
    "api/workspaces/<int:workspace_id>/activity": {"GET": ("read", None)},
    "api/workspaces/<int:workspace_id>/import": {"POST": ("edit", {"fomo_export": 1, "pipeline": {
        "name": "i", "graph": {"schema": 1, "nodes": [], "edges": []}}})},
    "api/workspaces/<int:workspace_id>/credentials": {"GET": ("read", None),
                                                      "POST": ("edit", {"provider": "openai", "name": "k",
                                                                        "secret": "sk-test-123456"})},
    "api/credentials/<int:pk>": {"GET": ("read", None), "PATCH": ("edit", {"name": "renamed"}),
                                 "DELETE": ("admin", None)},
    "api/workspaces/<int:workspace_id>/collections": {"GET": ("read", None)},
    "api/workspaces/<int:workspace_id>/collections/<str:name>": {"GET": ("read", None), "DELETE": ("delete", None)},
    "api/workspaces/<int:workspace_id>/collections/<str:name>/query": {"POST": ("read", {"text": "bees", "k": 2})},
    "api/workspaces/<int:workspace_id>/documents": {"GET": ("read", None),
                                                    "POST": ("edit", {"name": "n", "text": "t"})},
    "api/documents/<int:pk>": {"GET": ("read", None), "DELETE": ("delete", None)},
    "api/workspaces/<int:workspace_id>/conversations": {"GET": ("read", None)},
    "api/workspaces/<int:workspace_id>/conversations/<str:session>": {"GET": ("read", None),
                                                                      "DELETE": ("delete", None)},
    "api/templates": {"GET": ("login", None)},
    "api/templates/<slug:slug>": {"POST": ("edit", {"workspace": "{ws}"})},
    "api/invites/accept": {"POST": ("login", {"token": "{invite}"})},
    "api/tokens": {"GET": ("session", None), "POST": ("session", {"name": "t"})},
    "api/tokens/<int:pk>": {"DELETE": ("session", None)},
    "api/share/<str:token>": {"GET": ("share", None)},
    "api/share/<str:token>/runs/<int:run_id>": {"GET": ("share", None)},
    "api/share/<str:token>/runs/<int:run_id>/nodes/<str:node_id>": {"GET": ("share", None)},
    "api/share/<str:token>/duplicate": {"POST": ("share_login", {})},
    "api/schema": {"GET": ("login", None)},
    "api/docs": {"GET": ("login", None)},
    "api/docs/swagger": {"GET": ("login", None)},
    # Experiments (issue 7): datasets belong to a workspace, experiments to a pipeline.
    "api/workspaces/<int:workspace_id>/datasets": {"GET": ("read", None),
                                                   "POST": ("edit", {"name": "d", "rows": [{"inputs": {"a": "1"}}]})},
    "api/workspaces/<int:workspace_id>/datasets/import": {"POST": ("edit", {"name": "d"})},
    "api/workspaces/<int:workspace_id>/datasets/from-runs": {"POST": ("edit", {"name": "d", "run_ids": [1]})},
    "api/datasets/<int:pk>": {"GET": ("read", None), "PATCH": ("edit", {"name": "x"}), "DELETE": ("delete", None)},
    "api/datasets/<int:pk>/rows": {"POST": ("edit", {"rows": [{"inputs": {"transcript": "y"}}]})},
    "api/datasets/<int:pk>/rows/<int:row_id>": {"PATCH": ("edit", {"expected": "z"}), "DELETE": ("edit", None)},
    "api/pipelines/<int:pk>/experiments": {"GET": ("read", None), "POST": ("run", {
        "name": "e", "dataset": 999999, "variants": [{"name": "A", "overrides": []}, {"name": "B", "overrides": []}]})},
    "api/experiments/<int:pk>": {"GET": ("read", None), "DELETE": ("delete", None)},
    "api/experiments/<int:pk>/cancel": {"POST": ("run", None)},
    "api/experiments/<int:pk>/promote": {"POST": ("edit", {"variant": 999999})},
    "api/experiments/<int:pk>/results.csv": {"GET": ("read", None)},
    "api/pipelines/<int:pk>/pruned": {"GET": ("read", None)},
    "api/ops": {"GET": ("admin", None)},  # ?workspace=<the main workspace>; staff see every workspace
}
# Routes whose allowed answer may be 404 because the object they name does not exist here
# (a vector collection is made by runs, not by this world); they still must refuse strangers.
MAY_BE_ABSENT = {"api/workspaces/<int:workspace_id>/collections/<str:name>",
                 "api/workspaces/<int:workspace_id>/collections/<str:name>/query"}


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every (route, callback) of the URL conf, following include()s, so a route in an app's own
    urls.py is exercised like one in the root conf."""
    out: list[tuple[str, Any]] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_walk(p.url_patterns, route))
        else:
            out.append((route, p.callback))
    return out


def api_routes() -> list[str]:
    return [route for route, _ in _walk(urls.urlpatterns) if route.startswith("api/")]


def cases() -> list[tuple[str, str, str]]:
    out = []
    for route in api_routes():
        for method in sorted(EXPECT.get(route, {"?": None})):
            out.extend((route, method, persona) for persona in PERSONAS)
    return out


def test_every_api_route_is_in_the_matrix():
    missing = sorted(set(api_routes()) - set(EXPECT))
    assert not missing, f"add these routes to EXPECT in {__file__}: {missing}"
    stale = sorted(set(EXPECT) - set(api_routes()))
    assert not stale, f"these routes no longer exist: {stale}"


def test_every_declared_method_is_in_the_matrix():
    """A view method that the table does not list would go untested."""
    for route, callback in _walk(urls.urlpatterns):
        view = getattr(callback, "view_class", None)
        if route in EXPECT and view is not None:
            methods = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
            assert methods == set(EXPECT[route]), (route, methods)


def expected(kind: str, persona: str) -> int | str:
    """An HTTP status the persona must get, or "allow"."""
    if kind == "share":
        return "allow"
    if persona in ("anonymous", "share"):
        return 401
    if kind in ("login", "share_login"):
        return "allow"
    if kind == "session":
        return 403 if persona == "scoped" else "allow"
    if persona in ("outsider", "scoped"):
        return 404
    return "allow" if MEMBER_ROLE[persona] in ROLE_ALLOWS[kind] else 403


@pytest.fixture
def world(users, pipeline, side_workspace) -> dict[str, Any]:
    PipelineVersion.objects.create(pipeline=pipeline, number=1, graph=pipeline.draft)
    run = Run.objects.create(pipeline=pipeline, graph=pipeline.draft, inputs={"transcript": "x"},
                             started_by=users["alice"])
    run.node_runs.create(node_id="n1", status="succeeded", inputs={"x": "a"}, outputs={"text": "b"})
    raw_share, share_hash = new_link_token()
    link = ShareLink.objects.create(pipeline=pipeline, token_hash=share_hash, include_runs=True)
    raw_invite, invite_hash = new_link_token()
    invite = Invite.objects.create(workspace=pipeline.workspace, role="viewer", token_hash=invite_hash)
    embed_key = EmbedKey.objects.create(pipeline=pipeline, key="pk_fomo_matrix", allowed_origins=["https://a.io"],
                                        created_by=users["alice"])
    tokens = {}
    for name in ("alice", "bob", "vera", "charlie"):
        raw, prefix, hashed = new_api_token()
        tokens[name] = ApiToken.objects.create(user=users[name], name="t", prefix=prefix, token_hash=hashed,
                                               workspace=side_workspace if name == "alice" else None)
        if name == "alice":
            scoped_raw = raw
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("dora", password="dora-pass-123")
    credential = Credential(workspace=pipeline.workspace, provider="openai", name="main")
    set_secret(credential, "sk-test-abcdef123456")
    credential.save()
    from builder.conversations import MemoryStore

    document = Document.objects.create(workspace=pipeline.workspace, name="d", content="text", size=4, source="paste")
    MemoryStore(pipeline.workspace.pk).save("s1", [("user", "hi"), ("assistant", "hello")])
    return {"document": document, "ws": pipeline.workspace, "pipeline": pipeline, "run": run, "link": link,
            "share": raw_share, "invite": raw_invite, "invite_obj": invite, "tokens": tokens, "scoped": scoped_raw,
            "credential": credential, "users": users,
            "embed_key": embed_key}


def client_for(persona: str, world: dict[str, Any], as_user) -> APIClient:
    if persona in ("anonymous", "share"):
        return APIClient()
    if persona == "scoped":
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['scoped']}")
        return client
    return as_user({"viewer": "vera", "editor": "bob", "owner": "alice", "outsider": "charlie"}[persona])


OWN = {"viewer": "vera", "editor": "bob", "owner": "alice", "outsider": "charlie", "scoped": "alice"}


def url_for(route: str, persona: str, world: dict[str, Any]) -> str:
    p = world["pipeline"]
    values = {
        "workspace_id": world["ws"].pk, "number": 1, "run_id": world["run"].pk, "link_id": world["link"].pk,
        "invite_id": world["invite_obj"].pk, "user_id": world["users"]["vera"].pk, "token": world["share"],
        "name": "nothing-here", "slug": "transcript-summary", "session": "s1",
        "key_id": world["embed_key"].pk, "node_id": "n1",
    }
    if route.startswith("api/pipelines/"):
        values["pk"] = p.pk
    elif route.startswith("api/runs/"):
        values["pk"] = world["run"].pk
    elif route.startswith("api/tokens/"):
        values["pk"] = world["tokens"][OWN.get(persona, "alice")].pk
    elif route.startswith("api/documents/"):
        values["pk"] = world["document"].pk
    elif route.startswith("api/credentials/"):
        values["pk"] = world["credential"].pk
    elif route.startswith(("api/datasets/", "api/experiments/")):
        made = _experiments_world(world)
        values["pk"] = made["dataset" if route.startswith("api/datasets/") else "experiment"].pk
        values["row_id"] = made["row"].pk
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    query = "?a=1&b=1" if route.endswith("compare") else ""
    if route == "api/ops":
        query = f"?workspace={world['ws'].pk}"
    return f"/{path}{query}"


def _experiments_world(world: dict[str, Any]) -> dict[str, Any]:
    """A dataset with one row and an experiment over it (no runs), made on first use."""
    if "experiments" not in world:
        from experiments.models import Dataset, DatasetRow, Experiment, Variant

        p = world["pipeline"]
        dataset = Dataset.objects.create(workspace=p.workspace, name="d", columns=["transcript"])
        row = DatasetRow.objects.create(dataset=dataset, position=0, inputs={"transcript": "x"})
        exp = Experiment.objects.create(pipeline=p, dataset=dataset, base_graph=p.draft, name="e")
        Variant.objects.create(experiment=exp, name="A", position=0)
        world["experiments"] = {"dataset": dataset, "row": row, "experiment": exp}
    return world["experiments"]


def fill(body: Any, world: dict[str, Any]) -> Any:
    if isinstance(body, dict):
        return {k: fill(v, world) for k, v in body.items()}
    if body == "{ws}":
        return world["ws"].pk
    if body == "{invite}":
        return world["invite"]
    return body


@pytest.mark.parametrize("route, method, persona", cases())
def test_the_matrix(route, method, persona, world, as_user):
    assert route in EXPECT, f"route {route} is not in the authorization matrix"
    if route.startswith("api/templates/"):
        from builder import api_templates  # noqa: F401
    kind, body = EXPECT[route][method]
    client = client_for(persona, world, as_user)
    url = url_for(route, persona, world)
    resp = getattr(client, method.lower())(url, fill(body, world), format="json") if body is not None \
        else getattr(client, method.lower())(url)
    want = expected(kind, persona)
    got = resp.status_code
    if want == "allow":
        refused = {401, 403} if route in MAY_BE_ABSENT else {401, 403, 404}
        assert got < 500 and got not in refused, (method, url, persona, got, getattr(resp, "content", b"")[:300])
    else:
        assert got == want, (method, url, persona, got, getattr(resp, "content", b"")[:300])


@pytest.mark.parametrize("path", [
    "/API/pipelines/{p}", "/api/Pipelines/{p}", "/api/pipelines/{p}/", "/api//pipelines/{p}", "/api/%70ipelines/{p}",
    "/api/pipelines/{p}/.", "/api/share/../pipelines/{p}", "/api/share/./x/../../pipelines/{p}",
    "/api/share//x", "/api/share/", "/api/pipelines/{p}%2f", "/api/runs/{r}/stream/", "/api/tokens/",
])
def test_variants_of_protected_paths_stay_protected(path, world):
    url = path.format(p=world["pipeline"].pk, r=world["run"].pk)
    resp = APIClient().get(url)
    assert resp.status_code in (301, 302, 401, 403, 404), (url, resp.status_code)
    assert b"Summaries" not in resp.content


def test_the_share_prefix_is_exact(world):
    from fomo.middleware import LoginRequiredEverywhere as M

    assert M._is_share("/api/share/abc") and M._is_share("/api/share/abc/runs/1")
    for path in ("/api/share/", "/api/share//x", "/api/share/../pipelines/1", "/api/shared/x", "/API/share/x",
                 "/api/share/./x", "/api/sharex/y"):
        assert not M._is_share(path), path


def test_a_scoped_token_cannot_reach_a_workspace_it_is_not_scoped_to_even_by_id(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['scoped']}")
    assert client.get(f"/api/workspaces/{world['ws'].pk}").status_code == 404
    assert client.get("/api/pipelines", {"workspace": world["ws"].pk}).json() == []
    assert Workspace.objects.filter(pk=world["ws"].pk).exists() and Pipeline.objects.exists()
