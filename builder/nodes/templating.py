"""The one Jinja2 environment user templates are rendered in: sandboxed and bounded.

The immutable sandbox refuses underscore attributes, unsafe callables (template injection such
as ``{{ ''.__class__.__mro__ }}`` raises :class:`~jinja2.sandbox.SecurityError`) and mutation of
lists and dicts (inputs are shared with other nodes). On top of it,
this module bounds what a template may cost: rendered size, loop iterations over ``range``,
string/list repetition, exponent size, and padding widths in filters. Every failure surfaces
as ``NodeError(kind="template")``; nothing escapes as another exception type.
"""
from __future__ import annotations

import operator
import re
import time
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from builder.nodes.base import NodeError

MAX_TEMPLATE_CHARS = 100_000
MAX_OUTPUT_CHARS = 2_000_000
MAX_ITERATIONS = 1_000_000  # total range() items per render
MAX_SECONDS = 5.0
MAX_INT_BITS = 100_000


class _Budget:
    def __init__(self) -> None:
        self.iterations = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self, n: int = 1) -> None:
        self.iterations += n
        if self.iterations > MAX_ITERATIONS:
            raise SecurityError(f"the template loops more than {MAX_ITERATIONS:,} times")
        if time.monotonic() > self.deadline:
            raise SecurityError(f"the template took longer than {MAX_SECONDS:g} seconds")


def _size_of(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _check_width(value: Any) -> None:
    if isinstance(value, int) and abs(value) > MAX_OUTPUT_CHARS:
        raise SecurityError(f"a width or count of {value} is larger than the output limit")


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            for seq, n in ((left, right), (right, left)):
                if _size_of(seq) and isinstance(n, int) and _size_of(seq) * n > MAX_OUTPUT_CHARS:
                    raise SecurityError("repeating a string or list that many times exceeds the output limit")
            return operator.mul(left, right)
        if operator_ == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and left.bit_length() * right > MAX_INT_BITS:
                raise SecurityError("the result of ** would be too large a number")
            return operator.pow(left, right)
        if operator_ == "%":
            args = right if isinstance(right, tuple) else (right,)
            if isinstance(left, str):
                for arg in args:
                    _check_width(arg)
            return operator.mod(left, right)
        return super().call_binop(context, operator_, left, right)


def _bounded_filter(name: str, original: Any) -> Any:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in list(args[1:]) + list(kwargs.values()):
            _check_width(value)
        return original(*args, **kwargs)

    bounded.__name__ = name
    return bounded


def _make_env() -> BoundedEnvironment:
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    for name in ("center", "indent", "format", "wordwrap", "truncate", "batch", "slice"):
        if name in env.filters:
            env.filters[name] = _bounded_filter(name, env.filters[name])
    original_lipsum = env.globals["lipsum"]

    def lipsum(n: int = 5, html: bool = False, min: int = 20, max: int = 100) -> str:  # noqa: A002
        if not all(isinstance(v, int) and 0 <= v <= 1000 for v in (n, min, max)) or n > 100:
            raise SecurityError("lipsum() is limited to 100 paragraphs of up to 1000 words")
        return str(original_lipsum(n=n, html=html, min=min, max=max))  # type: ignore[operator]

    env.globals["lipsum"] = lipsum
    return env


ENV = _make_env()
GLOBAL_NAMES = frozenset(ENV.globals)


@lru_cache(maxsize=512)
def parse(source: str) -> nodes.Template:
    """Parse ``source``; raises ValueError naming the line of a syntax error."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise ValueError(f"the template is {len(source):,} characters long; the limit is {MAX_TEMPLATE_CHARS:,}")
    try:
        tree = ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ValueError(f"template syntax error on line {exc.lineno}: {exc.message}") from None
    except (TemplateError, RecursionError, MemoryError) as exc:
        raise ValueError(f"the template cannot be parsed: {exc}") from None
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        # There are no other templates to load; say so when saving rather than at run time.
        raise ValueError(f"line {node.lineno}: extends, include and import are not available in prompt templates")
    return tree


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


@lru_cache(maxsize=256)
def _compile(source: str) -> Any:
    parse(source)  # raises the readable syntax error first
    return ENV.from_string(source)


_SAFE_DETAIL = re.compile(r"^[^\n]{0,300}")


def _explain(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return f"the template tried something unsafe and was stopped: {exc}"
    if isinstance(exc, UndefinedError):
        return f"the template uses something that is not defined: {exc}"
    if isinstance(exc, RecursionError):
        return "the template recurses too deeply"
    if isinstance(exc, OverflowError):
        return f"a number in the template is too large: {exc}"
    detail = _SAFE_DETAIL.match(str(exc))
    return f"the template failed to render ({type(exc).__name__}: {detail.group(0) if detail else ''})"


def render(source: str, variables_: Mapping[str, Any]) -> str:
    """Render ``source`` with ``variables_``; any failure is a ``NodeError(kind="template")``."""
    budget = _Budget()

    def bounded_range(*args: Any) -> Iterator[int]:
        for arg in args:
            _check_width(arg)
        values = range(*args)
        if len(values) > 100_000:
            raise OverflowError("range() is limited to 100,000 items")
        for value in values:
            budget.spend()
            yield value

    try:
        template = _compile(source)
        parts: list[str] = []
        size = 0
        for chunk in template.generate({**variables_, "range": bounded_range}):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise NodeError(f"the rendered template is longer than {MAX_OUTPUT_CHARS:,} characters",
                                kind="template")
            budget.spend(0)
            parts.append(chunk)
        return "".join(parts)
    except NodeError:
        raise
    except ValueError as exc:
        if isinstance(exc.__cause__, TemplateSyntaxError) or str(exc).startswith("template syntax error"):
            raise NodeError(str(exc), kind="template") from None
        raise NodeError(_explain(exc), kind="template") from None
    except MemoryError:
        raise NodeError("the template needs too much memory", kind="template") from None
    except Exception as exc:  # noqa: BLE001 - user templates may raise anything; all of it is a template error
        raise NodeError(_explain(exc), kind="template") from None
