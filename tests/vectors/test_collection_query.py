"""The collections page's test query: the text is embedded with the local model and the k nearest
items come back nearest first; members may query, strangers get 404; a collection embedded with
other dimensions answers 400 saying so; bad bodies name the field."""
from __future__ import annotations

import pytest

from builder.models import Workspace
from builder.providers.local_embed import embed_sync
from builder.vectors import VectorStore
from tests.api.conftest import as_user, users  # noqa: F401

pytestmark = pytest.mark.django_db

TEXTS = ["Honey bees dance to show where flowers are.",
         "The stock market fell sharply on Tuesday.",
         "A sourdough starter needs flour and water every day."]


@pytest.fixture
def ws(users, settings, tmp_path):  # noqa: F811
    settings.DATA_DIR = tmp_path
    ws = Workspace.personal_of(users["alice"])
    store = VectorStore(ws.pk, path=tmp_path / "chroma")
    vectors, _ = embed_sync(TEXTS)
    store.upsert("facts", ["bees", "stocks", "bread"], TEXTS, vectors, [{"topic": "nature"}, None, None])
    store.upsert("tiny", ["x"], ["x"], [[0.0, 1.0]])
    return ws


def url(ws, name="facts"):
    return f"/api/workspaces/{ws.pk}/collections/{name}/query"


def test_a_viewer_gets_the_nearest_items_first(as_user, ws):  # noqa: F811
    resp = as_user("vera").post(url(ws), {"text": "How do bees communicate?", "k": 2}, format="json")
    assert resp.status_code == 200, resp.content
    matches = resp.json()["matches"]
    assert [m["id"] for m in matches][0] == "bees" and len(matches) == 2
    assert matches[0]["metadata"] == {"topic": "nature"} and matches[0]["distance"] <= matches[1]["distance"]
    assert "embedding" not in matches[0]


def test_other_dimensions_bad_bodies_and_strangers(as_user, ws):  # noqa: F811
    alice = as_user("alice")
    wrong = alice.post(url(ws, "tiny"), {"text": "x"}, format="json")
    assert wrong.status_code == 400 and "local embedding model" in wrong.json()["error"]["message"]
    for bad, field in (({"text": ""}, "text"), ({"text": "x", "k": 0}, "k"), ({"text": "x", "n": 1}, "n")):
        resp = alice.post(url(ws), bad, format="json")
        assert resp.status_code == 400 and field in resp.json()["error"]["details"], resp.content
    assert alice.post(url(ws, "nope"), {"text": "x"}, format="json").status_code == 404
    assert as_user("charlie").post(url(ws), {"text": "x"}, format="json").status_code == 404
