"""Which renders are provably cheap enough to run on the caller's thread (the worker's event loop).

A template is *straight* when its syntax tree holds only output, constants, variable lookups,
attribute and item access (slices included), conditions, comparisons, ``~`` and a whitelist of
filters that run in time linear in their input (C-level string work, bounded by the sandbox):
no loops, macros, calls, assignments or arithmetic. Such a render costs at most about
``(operations + 1) × (size of its inputs)`` character steps. It runs in-process when that product
is under :data:`MAX_INLINE_WORK` (at most ~4 ms measured); everything else goes to the render pool.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import nodes

from builder.nodes.support.jinja_sandbox import parse

MAX_INLINE_TEMPLATE_CHARS = 20_000
MAX_INLINE_NODES = 400
MAX_INLINE_WORK = 2_000_000  # ~ character steps: at most ~4 ms measured (join over a 28k-character text)
RENDER_OVERHEAD = 20_000  # one render's fixed cost (~20 µs), in the same units
MAX_INLINE_ITEMS = 20_000  # containers in the inputs walked to size them; more goes to the pool

_STRUCTURE = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Const, nodes.Name,
              nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.CondExpr, nodes.And, nodes.Or, nodes.Not,
              nodes.Compare, nodes.Operand, nodes.Concat, nodes.Filter, nodes.Test, nodes.Keyword,
              nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair)
_OPERATIONS = (nodes.Filter, nodes.Test, nodes.Compare, nodes.Concat, nodes.Slice, nodes.Output)
_LINEAR_FILTERS = frozenset({"default", "d", "upper", "lower", "capitalize", "trim", "length", "count", "first",
                             "last", "string", "e", "escape", "safe", "int", "float", "abs", "round", "tojson",
                             "join", "replace", "truncate", "wordcount", "center", "list"})
# Filters that do Python-level work per item (per character of a string): they count as many
# operations (measured: ~0.16 µs per character for join, ~25 ns for wordcount's regex).
_PER_ITEM = {"join": 50, "wordcount": 30}
_TESTS = frozenset({"defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true",
                    "false", "mapping", "sequence", "iterable", "eq", "ne", "lt", "le", "gt", "ge", "equalto",
                    "sameas", "in", "lower", "upper", "odd", "even"})


@dataclass(frozen=True)
class Shape:
    straight: bool
    operations: int


@lru_cache(maxsize=1024)
def shape(source: str) -> Shape:
    """Is the template straight (see the module docstring), and how many operations does it hold?"""
    if len(source) > MAX_INLINE_TEMPLATE_CHARS:
        return Shape(False, 0)
    try:
        tree = parse(source)
    except ValueError:
        return Shape(False, 0)
    operations = 0
    for count, node in enumerate(_walk(tree), start=1):
        if count > MAX_INLINE_NODES or not isinstance(node, _STRUCTURE):
            return Shape(False, 0)
        if isinstance(node, nodes.Name) and node.ctx != "load":
            return Shape(False, 0)
        if isinstance(node, nodes.Filter) and node.name not in _LINEAR_FILTERS:
            return Shape(False, 0)
        if isinstance(node, nodes.Test) and node.name not in _TESTS:
            return Shape(False, 0)
        if isinstance(node, (nodes.List, nodes.Tuple, nodes.Dict)) and \
                not all(isinstance(n, (nodes.Const, nodes.Pair)) for n in node.iter_child_nodes()):
            return Shape(False, 0)  # a literal of variables could repeat a large input many times
        if isinstance(node, nodes.Pair) and not isinstance(node.value, nodes.Const):
            return Shape(False, 0)
        operations += _PER_ITEM.get(node.name, 1) if isinstance(node, nodes.Filter) else isinstance(node, _OPERATIONS)
    return Shape(True, operations)


def _walk(node: nodes.Node) -> Any:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def input_size(values: Any, cap: int) -> int:
    """Characters in ``values`` (strings and bytes by length, other scalars and every container
    item as 8); more than ``cap`` once past it or past :data:`MAX_INLINE_ITEMS` items."""
    total = 0
    items = 0
    stack = [values]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str or kind is bytes:
            total += len(value)
            continue
        if kind is dict or isinstance(value, Mapping):
            items += len(value)
            for key, item in value.items():
                if type(key) is str and type(item) is str:  # the common case, without the stack
                    total += len(key) + len(item)
                else:
                    stack.append(key)
                    stack.append(item)
        elif kind is list or kind is tuple or isinstance(value, Sequence):
            items += len(value)
            stack.extend(value)
        else:
            total += 8
        if total > cap or items > MAX_INLINE_ITEMS:
            return cap + 1
    return total + 8 * items


def inline(source: str, variables: Any, renders: int = 1) -> bool:
    """May ``renders`` renders of ``source`` with inputs ``variables`` (all of them) run on the caller's thread?"""
    found = shape(source)
    if not found.straight:
        return False
    budget = MAX_INLINE_WORK // (found.operations + 1) - renders * RENDER_OVERHEAD
    return budget > 0 and input_size(variables, budget) + len(source) <= budget
