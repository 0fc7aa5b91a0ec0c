"""User templates (Jinja2): parse them, list their variables, render them within hard limits.

Rendering never holds the caller's thread for long. A template whose syntax tree is provably
cheap for its inputs (:mod:`builder.nodes.support.template_cost`: no loops, calls, assignments or
arithmetic, linear filters, small inputs) renders in-process in the bounded sandbox
(:mod:`builder.nodes.support.jinja_sandbox`); every other one goes to the render pool
(:mod:`builder.nodes.support.render_pool`), whose child is killed at the time budget. Nodes on the
engine's event loop ``await render_async(...)``; sync callers use :func:`render` (same limits).

Every failure is ``NodeError(kind="template")`` whose message names the limit that was hit (time,
memory, output, loop count, number size, string size) or what went wrong.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from typing import Any

from jinja2 import meta, nodes

from builder.nodes.base import NodeError
from builder.nodes.support import render_pool, template_cost
from builder.nodes.support.jinja_limits import (
    MAX_INT_BITS,
    MAX_ITERATIONS,
    MAX_OUTPUT_CHARS,
    MAX_SECONDS,
    MAX_TEMPLATE_CHARS,
    TemplateLimit,
)
from builder.nodes.support.jinja_sandbox import ENV, GLOBAL_NAMES, explain, parse, render_here

__all__ = ["ENV", "GLOBAL_NAMES", "MAX_INT_BITS", "MAX_ITERATIONS", "MAX_OUTPUT_CHARS", "MAX_SECONDS",
           "MAX_TEMPLATE_CHARS", "parse", "render", "render_async", "render_batch", "render_batch_async",
           "variables"]


@lru_cache(maxsize=512)
def variables(source: str) -> tuple[str, ...]:
    """The variables a template reads from outside, in order of first appearance."""
    tree = parse(source)
    undeclared = meta.find_undeclared_variables(tree) - GLOBAL_NAMES
    ordered: dict[str, tuple[int, int]] = {}
    for index, node in enumerate(tree.find_all(nodes.Name)):
        if node.name in undeclared and node.name not in ordered:
            ordered[node.name] = (node.lineno, index)
    return tuple(sorted(ordered, key=ordered.__getitem__))


def _parsed(source: str) -> None:
    try:
        parse(source)
    except ValueError as exc:
        raise NodeError(str(exc), kind="template") from None


def _inline(source: str, batch: Sequence[Mapping[str, Any]]) -> list[str]:
    try:
        return [render_here(source, v) for v in batch]
    except Exception as exc:  # noqa: BLE001 - user templates may raise anything; all of it is a template error
        raise NodeError(explain(exc)[1], kind="template") from None


def _pooled(source: str, batch: Sequence[Mapping[str, Any]]) -> list[str]:
    try:
        return render_pool.POOL.render(source, [dict(v) for v in batch], MAX_SECONDS)
    except TemplateLimit as exc:
        raise NodeError(exc.message, kind="template") from None


def render_batch(source: str, batch: Sequence[Mapping[str, Any]]) -> list[str]:
    """Render ``source`` once per mapping in ``batch`` (one pool round trip; one time budget in all)."""
    _parsed(source)
    if template_cost.inline(source, batch, renders=len(batch)):
        return _inline(source, batch)
    return _pooled(source, batch)


def render(source: str, variables_: Mapping[str, Any]) -> str:
    """Render ``source`` with ``variables_``, blocking this thread; any failure is ``NodeError(kind="template")``."""
    return render_batch(source, [variables_])[0]


async def render_batch_async(source: str, batch: Sequence[Mapping[str, Any]]) -> list[str]:
    """:func:`render_batch` for the event loop: a pooled render is awaited on a pool thread."""
    _parsed(source)
    if template_cost.inline(source, batch, renders=len(batch)):
        return _inline(source, batch)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(render_pool.EXECUTOR, partial(_pooled, source, batch))


async def render_async(source: str, variables_: Mapping[str, Any]) -> str:
    """:func:`render` for the event loop."""
    return (await render_batch_async(source, [variables_]))[0]
