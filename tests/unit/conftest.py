"""Fixtures for the graph unit tests (node tests live in tests/nodes, their host fakes in
tests/nodes/kit.py)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.nodes import kit


@pytest.fixture
def config_errors() -> Any:
    """``config_errors(type_id, config)``: the config errors validation reports, as {field: message}."""
    return kit.config_errors
