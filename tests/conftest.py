"""Shared fixtures: a small world of users and a real running stack.

``live_stack`` starts daphne, a Celery worker (thread pool) and uses Redis, each on
127.0.0.1, with a database and data directory of their own; it is shared by the session and
stopped, with its temp folder, at the end.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fomo.stack import Stack, start_stack


@pytest.fixture(scope="session")
def live_stack() -> Iterator[Stack]:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-stack-"))
    stack = start_stack(tmp, workers=1)
    try:
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def fresh_stack_dir() -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix="fomo-stack-"))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)
