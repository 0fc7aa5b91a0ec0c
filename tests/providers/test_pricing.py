"""Prices for the model names providers actually answer with."""
from __future__ import annotations

import pytest

from builder.providers import pricing
from builder.providers.base import Usage


@pytest.mark.parametrize(("model", "alias"), [
    ("gpt-4o-mini", "gpt-4o-mini"),
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4-0"),
    ("claude-3-5-haiku-20241022", "claude-3-5-haiku-latest"),
])
def test_dated_snapshots_cost_what_their_alias_costs(model, alias):
    assert pricing.price(model) == pricing.PRICES[alias]


def test_an_unknown_model_has_no_cost():
    assert pricing.price("llama-3-local") is None
    assert pricing.cost("llama-3-local", Usage(10, 10)) is None


def test_overrides_win_and_reach_snapshots():
    pricing.set_overrides({"gpt-4o": (1.0, 1.0)})
    try:
        assert pricing.cost("gpt-4o-2024-08-06", Usage(1_000_000, 0)) == 1.0
    finally:
        pricing.set_overrides({})
