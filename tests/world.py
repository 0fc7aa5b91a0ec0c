"""Autouse fixtures shared by the in-process suites (ops, teams, experiments): import them into a
directory's conftest to apply them there."""
from __future__ import annotations

from typing import Any

import pytest

from runs import transitions


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Autouse fixtures come first, so the world's users are made with the cheap hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_celery(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Runs that would be enqueued, by the API or by the worker's own reference (a hand-back,
    the sweeper); nothing reaches Celery or the shared Redis queue."""
    queued: list[int] = []
    monkeypatch.setattr(transitions, "enqueue", queued.append)
    return queued
