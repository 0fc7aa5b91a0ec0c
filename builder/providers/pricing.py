"""Prices per million tokens, by model. ``cost`` returns None for a model we have no price for
("cost unknown" in the UI). Operators extend or override the table with ``FOMO_PRICES``, a JSON
object ``{"model": [input_per_million, output_per_million]}`` (read by the host and passed to
:func:`set_overrides`)."""
from __future__ import annotations

import re

from builder.providers.base import Usage

# USD per 1M tokens: (input, output).
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
    "text-embedding-3-small": (0.02, 0.0),
    "text-embedding-3-large": (0.13, 0.0),
    "command-r": (0.15, 0.60),
    "command-r-plus": (2.50, 10.00),
    "command-a-03-2025": (2.50, 10.00),
    "embed-english-v3.0": (0.10, 0.0),
    "claude-3-5-haiku-latest": (0.80, 4.00),
    "claude-sonnet-4-0": (3.00, 15.00),
    "claude-opus-4-0": (15.00, 75.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-opus-4": (15.00, 75.00),
    "embed-english-light-v3.0": (0.10, 0.0),
    "embed-multilingual-v3.0": (0.10, 0.0),
    "embed-v4.0": (0.12, 0.0),
    "text-embedding-ada-002": (0.10, 0.0),
    "fake-small": (0.10, 0.20),
    "fake-large": (1.00, 2.00),
    "fake-embed": (0.01, 0.0),
    "offline-extractive": (0.0, 0.0),
    "all-minilm-l6-v2": (0.0, 0.0),
    "minilm-static-256": (0.0, 0.0),
}

_overrides: dict[str, tuple[float, float]] = {}


def set_overrides(table: dict[str, tuple[float, float]]) -> None:
    _overrides.clear()
    _overrides.update(table)


# Providers answer with dated snapshots ("gpt-4o-mini-2024-07-18", "claude-sonnet-4-20250514");
# they cost what their alias costs.
_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8})$")


def price(model: str) -> tuple[float, float] | None:
    for name in (model, _SNAPSHOT.sub("", model), _SNAPSHOT.sub("", model) + "-latest"):
        found = _overrides.get(name) or PRICES.get(name)
        if found is not None:
            return found
    return None


def cost(model: str, usage: Usage) -> float | None:
    p = price(model)
    if p is None:
        return None
    return round((usage.prompt_tokens * p[0] + usage.completion_tokens * p[1]) / 1_000_000, 8)
