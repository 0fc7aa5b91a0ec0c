"""In-process API tests: a small world of users. alice owns her workspace, bob is an editor
in it, vera a viewer, and charlie has no access."""
from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from builder.graph_doc import transcript_summary
from builder.models import Membership, Pipeline, Role, Workspace


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    User = get_user_model()
    made = {name: User.objects.create_user(name, password=f"{name}-pass-123")
            for name in ("alice", "bob", "vera", "charlie")}
    ws = Workspace.personal_of(made["alice"])
    Membership.objects.create(workspace=ws, user=made["bob"], role=Role.EDITOR)
    Membership.objects.create(workspace=ws, user=made["vera"], role=Role.VIEWER)
    return made


@pytest.fixture
def as_user(users: dict[str, Any]):
    def make(name: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[name])
        client.force_login(users[name])
        return client

    return make


@pytest.fixture
def pipeline(users: dict[str, Any]) -> Pipeline:
    ws = Workspace.personal_of(users["alice"])
    return Pipeline.objects.create(workspace=ws, name="Summaries", draft=transcript_summary(),
                                   created_by=users["alice"], updated_by=users["alice"])
