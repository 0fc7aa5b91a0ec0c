"""The one Jinja2 environment user templates are rendered in: sandboxed, immutable and bounded.

The immutable sandbox refuses underscore attributes, unsafe callables and mutation of lists and
dicts. On top of it every render has a budget (:mod:`builder.nodes.support.jinja_limits`): a step is
compiled into every ``for`` loop (the code generator wraps the loop's iterable) and spent by every
call and filter; buffers of macros and set-blocks count what is written into them; ``~`` and the
``+``, ``*``, ``**`` and ``%`` operators, ``str.format`` fields, the padding, ``replace``, ``join``
and ``translate`` methods and the sizing filters check the size of their result before building it.

Plain Python and Jinja2 only: the render pool's child process imports this module. Failures are
exceptions; :func:`explain` turns any of them into ``(limit, message)``.
"""
from __future__ import annotations

import re
import types
from collections.abc import Iterable, Mapping
from functools import lru_cache, update_wrapper
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from markupsafe import EscapeFormatter, Markup

from builder.nodes.support import jinja_limits as lim
from builder.nodes.support.jinja_limits import MAX_OUTPUT_CHARS, TemplateLimit


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with the budget compiled in: every loop's iterable is drawn through
    ``environment.guard_iter`` (one step per item); ``~`` and buffers are bounded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard: dict[int, nodes.Node] = {}  # id -> node (held, so the id is not reused)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._guard[id(node.iter)] = node.iter
        super().visit_For(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if self._guard.pop(id(node), None) is None:
            return super().visit(node, *args, **kwargs)
        self.write("environment.guard_iter(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        self._guard[id(node)] = node  # a recursive loop visits its iterable twice
        return None

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
            super().visit_Concat(node, frame)
            return
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.bounded_buffer()")


class _Buffer(list):  # type: ignore[type-arg]
    """A macro's or set-block's output buffer that spends the render's write budget."""

    __slots__ = ("_budget",)

    def __init__(self) -> None:
        super().__init__()
        self._budget = lim.current()

    def append(self, item: Any) -> None:
        self._budget.write(len(item))
        super().append(item)

    def extend(self, items: Iterable[Any]) -> None:
        items = tuple(items)
        self._budget.write(sum(len(i) for i in items))
        super().extend(items)


class BoundedFormatter(SandboxedFormatter):
    """``str.format`` whose fields' widths and total length stay under the size limit."""

    def __init__(self, env: Any, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self._total = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        lim.check_size("a formatted field", lim.spec_width(format_spec))
        lim.check_size("a formatted field", self._total + lim.printed_size(value))
        result = super().format_field(value, format_spec)
        self._total += len(result)
        lim.check_size("the formatted text", self._total)
        return result


class BoundedEscapeFormatter(BoundedFormatter, EscapeFormatter):
    pass


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            lim.check_multiply(left, right)
        elif operator == "**":
            lim.check_power(left, right)
        elif operator == "+":
            lim.check_add(left, right)
        elif operator == "%" and isinstance(left, (str, bytes)):
            lim.check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        lim.current().step()
        if isinstance(__obj, LoopContext) and args:  # the next level of a recursive loop
            args = (lim.guarded(args[0]), *args[1:])
        bounded = lim.bounded_method(__obj)  # a method taken without attribute access (e.g. |attr)
        return super().call(__context, bounded if bounded is not None else __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        """Every attribute access of a str/bytes method lands here: bound the sizing ones, and
        ``format``/``format_map`` with :class:`BoundedFormatter`."""
        bounded = lim.bounded_method(value)
        if bounded is not None:
            return bounded
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
                or value.__name__ not in ("format", "format_map") or not isinstance(value.__self__, str):
            return None
        f_self: str = value.__self__
        formatter = BoundedEscapeFormatter(self, escape=f_self.escape) if isinstance(f_self, Markup) \
            else BoundedFormatter(self)
        is_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return type(f_self)(formatter.vformat(f_self, args, kwargs))

        return update_wrapper(wrapper, value)

    @staticmethod
    def guard_iter(iterable: Any) -> Any:
        return lim.guarded(iterable)

    @staticmethod
    def bounded_concat(parts: tuple[Any, ...]) -> str:
        lim.check_size("the joined text", sum(len(p) if isinstance(p, str) else lim.printed_size(p) for p in parts))
        return "".join(p if isinstance(p, str) else str(p) for p in parts)

    @staticmethod
    def bounded_buffer() -> _Buffer:
        return _Buffer()


# ---------------------------------------------------------------- filters and globals


def _check_indent(s: Any, width: Any = 4, *rest: Any, **kwargs: Any) -> None:
    width = kwargs.get("width", width)
    per_line = width if isinstance(width, int) else len(str(width))
    lim.check_width("the indent", per_line)
    lim.check_size("the indented text", len(str(s)) + (str(s).count("\n") + 1) * per_line)


def _check_wordwrap(s: Any, width: Any = 79, break_long: Any = True, wrapstring: Any = None, *rest: Any,
                    **kwargs: Any) -> None:
    wrap = kwargs.get("wrapstring", wrapstring) or "\n"
    width = kwargs.get("width", width)
    lines = len(str(s)) // max(width, 1) + 1 if isinstance(width, int) else len(str(s))
    lim.check_size("the wrapped text", len(str(s)) + lines * len(str(wrap)))


def _check_format(value: Any, *args: Any, **kwargs: Any) -> None:
    lim.check_percent(str(value), kwargs or args)


def _check_replace(s: Any, old: Any = "", new: Any = "", count: Any = None, **kwargs: Any) -> None:
    lim.METHOD_CHECKS["replace"](str(s), str(old), str(new), -1 if count is None else count)


def _check_widths(*names: str) -> Any:
    def check(value: Any, *args: Any, **kwargs: Any) -> None:
        for arg in (*args, *(kwargs.get(n) for n in names)):
            lim.check_width("a width or count", arg)
    return check


def _check_join(value: Any, d: Any = "", attribute: Any = None, **kwargs: Any) -> None:
    return None  # the iterable is guarded and the joined size checked in _join_filter


def _check_tojson(value: Any, indent: Any = None, **kwargs: Any) -> None:
    if isinstance(indent, int):
        lim.check_width("the indent", indent)
        lim.check_size("the JSON text", lim.printed_size(value) * (1 + min(indent, 64)))


_CHECKS: dict[str, Any] = {
    "center": _check_widths("width"), "truncate": _check_widths("length"), "batch": _check_widths("linecount"),
    "indent": _check_indent, "wordwrap": _check_wordwrap, "format": _check_format, "replace": _check_replace,
    "join": _check_join, "tojson": _check_tojson,
}
_ITERATING = frozenset({"map", "select", "reject", "selectattr", "rejectattr", "unique", "groupby", "batch",
                        "slice", "sum", "min", "max", "sort", "list", "join"})


def _bounded_filter(name: str, original: Any) -> Any:
    offset = 1 if getattr(original, "jinja_pass_arg", None) is not None else 0
    check = _CHECKS.get(name)
    iterate = name in _ITERATING

    def bounded(*args: Any, **kwargs: Any) -> Any:
        lim.current().step()
        if iterate and len(args) > offset and not isinstance(args[offset], (Mapping, str)):
            args = (*args[:offset], lim.guarded(args[offset]), *args[offset + 1:])
        if name == "slice" and len(args) > offset + 1 and isinstance(args[offset + 1], int) \
                and args[offset + 1] > lim.MAX_RANGE:
            raise TemplateLimit("loop count", f"slice() is limited to {lim.MAX_RANGE:,} slices")
        if check is not None:
            check(*args[offset:], **kwargs)
        if name == "join" and len(args) > offset:
            items = list(args[offset])
            sep = args[offset + 1] if len(args) > offset + 1 else kwargs.get("d", "")
            lim.check_size("the joined text", sum(lim.printed_size(i) for i in items)
                           + len(str(sep)) * max(0, len(items) - 1))
            args = (*args[:offset], items, *args[offset + 1:])
        return original(*args, **kwargs)

    return update_wrapper(bounded, original)


def _make_env() -> BoundedEnvironment:
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters = {name: _bounded_filter(name, f) for name, f in env.filters.items()}
    original_lipsum = env.globals["lipsum"]

    def lipsum(n: int = 5, html: bool = False, min: int = 20, max: int = 100) -> str:  # noqa: A002
        if not all(isinstance(v, int) and 0 <= v <= 1000 for v in (n, min, max)) or n > 100:
            raise TemplateLimit("string size", "lipsum() is limited to 100 paragraphs of up to 1000 words")
        return str(original_lipsum(n=n, html=html, min=min, max=max))  # type: ignore[operator]

    def range_(*args: Any) -> range:
        for arg in args:
            lim.check_width("a range bound", arg)
        values = range(*args)
        if len(values) > lim.MAX_RANGE:
            raise TemplateLimit("loop count", f"range() is limited to {lim.MAX_RANGE:,} items")
        return values

    lipsum.__qualname__ = "lipsum"
    range_.__name__ = range_.__qualname__ = "range"
    env.globals.update(lipsum=lipsum, range=range_)
    return env


ENV = _make_env()
GLOBAL_NAMES = frozenset(ENV.globals)

# ---------------------------------------------------------------- parse, compile, render


@lru_cache(maxsize=512)
def parse(source: str) -> nodes.Template:
    """Parse ``source``; raises ValueError naming the line of a syntax error."""
    if len(source) > lim.MAX_TEMPLATE_CHARS:
        raise ValueError(f"the template is {len(source):,} characters long; the limit is {lim.MAX_TEMPLATE_CHARS:,}")
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


@lru_cache(maxsize=256)
def compiled(source: str) -> Any:
    parse(source)  # raises the readable syntax error first
    token, _ = lim.start(lim.MAX_SECONDS)  # constant folding runs filters at compile time: give them a budget
    try:
        template = ENV.from_string(source)
    finally:
        lim.end(token)
    # Jinja keeps a template's globals as a ChainMap over the environment's and copies it into every
    # render's context; a plain dict (the globals never change) copies several times faster.
    template.globals = dict(template.globals)
    return template


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+(?=>)")


def scrub(text: str) -> str:
    """Drop memory addresses from default object reprs (``<function f at 0x7f…>`` → ``<function f>``)."""
    return _ADDRESS.sub("", text) if " at 0x" in text else text


def render_here(source: str, variables: Mapping[str, Any], seconds: float = lim.MAX_SECONDS) -> str:
    """Render in this process with every limit but the hard one (a stuck C-level operation cannot be
    interrupted here: :mod:`builder.nodes.support.render_pool` enforces the deadline by killing its child)."""
    template = compiled(source)
    token, budget = lim.start(seconds)
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(variables):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateLimit("output", f"the rendered template is longer than {MAX_OUTPUT_CHARS:,} characters")
            parts.append(chunk)
            if len(parts) & 0x3F == 0:  # the clock every 64 chunks (the loops' steps read it too)
                budget.check_time()
        budget.check_time()
        return scrub("".join(parts))
    finally:
        lim.end(token)


_SAFE_DETAIL = re.compile(r"^[^\n]{0,300}")


def explain(exc: BaseException) -> tuple[str, str]:
    """``(limit, message)`` for any failure of a render; the message has no memory addresses."""
    if isinstance(exc, TemplateLimit):
        return exc.limit, exc.message
    if isinstance(exc, ValueError) and str(exc).startswith(("template syntax error", "line ", "the template ")):
        return "error", str(exc)
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return "number size", "a number in the template has too many digits to print (the limit is 4,300)"
    if isinstance(exc, SecurityError):
        return "unsafe", scrub(f"the template tried something unsafe and was stopped: {exc}")
    if isinstance(exc, UndefinedError):
        return "error", scrub(f"the template uses something that is not defined: {exc}")
    if isinstance(exc, RecursionError):
        return "loop count", "the template recurses too deeply"
    if isinstance(exc, MemoryError):
        return "memory", "the template needs more memory than its limit"
    if isinstance(exc, OverflowError):
        return "number size", f"a number in the template is too large: {exc}"
    detail = _SAFE_DETAIL.match(str(exc))
    return "error", scrub(f"the template failed to render ({type(exc).__name__}: {detail.group(0) if detail else ''})")
