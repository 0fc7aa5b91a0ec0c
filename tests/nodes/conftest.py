"""Fixtures for node tests: ``ctx`` (a FakeContext), ``run`` and ``config_errors`` (tests.nodes.kit)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.nodes import kit


@pytest.fixture
def ctx() -> kit.FakeContext:
    return kit.FakeContext()


@pytest.fixture
def run() -> Any:
    """``run(type_id, config, inputs, ctx=None)``: validate config like the graph does, run the node."""
    return kit.run_node


@pytest.fixture
def config_errors() -> Any:
    """``config_errors(type_id, config)``: the config errors validation reports, as {field: message}."""
    return kit.config_errors
