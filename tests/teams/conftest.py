"""The small world of tests/api (alice owns, bob edits, vera views, charlie is a stranger),
plus a second workspace of alice's, API tokens and a queue that never reaches Celery."""
from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from builder.models import Membership, Role, Workspace
from teams.keys import new_api_token
from teams.models import ApiToken
from tests.api import conftest as api_world
from tests.world import fast_passwords, no_celery  # noqa: F401 - autouse here

users, as_user, pipeline = api_world.users, api_world.as_user, api_world.pipeline


@pytest.fixture
def workspace(users: dict[str, Any]) -> Workspace:
    return Workspace.personal_of(users["alice"])


@pytest.fixture
def side_workspace(users: dict[str, Any]) -> Workspace:
    """Another workspace alice owns (where a token "scoped elsewhere" points)."""
    ws = Workspace.objects.create(name="Side")
    Membership.objects.create(workspace=ws, user=users["alice"], role=Role.OWNER)
    return ws


@pytest.fixture
def make_token(users: dict[str, Any]):
    def make(name: str, workspace: Workspace | None = None, **fields: Any) -> tuple[str, ApiToken]:
        raw, prefix, hashed = new_api_token()
        token = ApiToken.objects.create(user=users[name], name="t", prefix=prefix, token_hash=hashed,
                                        workspace=workspace, **fields)
        return raw, token

    return make


@pytest.fixture
def bearer():
    def make(raw: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make
