"""The collections API: members list and peek, editors delete, strangers get 404; never vectors."""
from __future__ import annotations

import pytest

from builder.models import Workspace
from builder.vectors import VectorStore
from tests.api.conftest import as_user, users  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(users, settings, tmp_path):  # noqa: F811
    settings.DATA_DIR = tmp_path
    ws = Workspace.personal_of(users["alice"])
    store = VectorStore(ws.pk, path=tmp_path / "chroma")
    texts = [f"item number {i}" for i in range(30)]
    store.upsert("notes", [f"id{i}" for i in range(30)], texts, [[1.0, float(i)] for i in range(30)],
                 [{"n": i} for i in range(30)])
    store.upsert("other", ["x"], ["x"], [[0.0, 1.0]])
    return ws


def test_members_list_collections_with_counts(as_user, ws):  # noqa: F811
    for name in ("alice", "bob", "vera"):
        resp = as_user(name).get(f"/api/workspaces/{ws.pk}/collections")
        assert resp.json() == [{"name": "notes", "count": 30}, {"name": "other", "count": 1}]


def test_peeking_pages_through_items_without_vectors(as_user, ws):  # noqa: F811
    resp = as_user("vera").get(f"/api/workspaces/{ws.pk}/collections/notes?limit=10&offset=25")
    body = resp.json()
    assert body["count"] == 30 and len(body["items"]) == 5
    assert set(body["items"][0]) == {"id", "text", "metadata"}
    assert as_user("vera").get(f"/api/workspaces/{ws.pk}/collections/notes?limit=0").status_code == 400
    assert as_user("vera").get(f"/api/workspaces/{ws.pk}/collections/nope").status_code == 404


def test_editors_delete_but_viewers_cannot(as_user, ws):  # noqa: F811
    assert as_user("vera").delete(f"/api/workspaces/{ws.pk}/collections/other").status_code == 403
    assert as_user("bob").delete(f"/api/workspaces/{ws.pk}/collections/other").status_code == 204
    assert as_user("bob").delete(f"/api/workspaces/{ws.pk}/collections/other").status_code == 404
    assert [c["name"] for c in as_user("alice").get(f"/api/workspaces/{ws.pk}/collections").json()] == ["notes"]


def test_strangers_get_404(as_user, ws):  # noqa: F811
    charlie = as_user("charlie")
    assert charlie.get(f"/api/workspaces/{ws.pk}/collections").status_code == 404
    assert charlie.get(f"/api/workspaces/{ws.pk}/collections/notes").status_code == 404
    assert charlie.delete(f"/api/workspaces/{ws.pk}/collections/notes").status_code == 404
