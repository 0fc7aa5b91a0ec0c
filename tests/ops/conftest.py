"""The small world of tests/api (alice owns, bob edits, vera views, charlie is a stranger),
plus a staff user and a second workspace that alice does not belong to."""
from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from builder.models import Pipeline, Workspace
from tests.api import conftest as api_world
from tests.world import fast_passwords, no_celery  # noqa: F401 - autouse here

users, as_user, pipeline = api_world.users, api_world.as_user, api_world.pipeline


@pytest.fixture
def staff(users: dict[str, Any]) -> Any:
    return get_user_model().objects.create_user("sam", password="sam-pass-1234", is_staff=True)


@pytest.fixture
def other_pipeline(users: dict[str, Any]) -> Pipeline:
    ws = Workspace.personal_of(users["charlie"])
    return Pipeline.objects.create(workspace=ws, name="Charlie's", draft={"schema": 1, "nodes": [], "edges": []},
                                   created_by=users["charlie"], updated_by=users["charlie"])
