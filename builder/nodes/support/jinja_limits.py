"""What one template render may cost, and the checks that refuse a costly operation before it
allocates: widths and precisions of ``%`` and ``str.format``, padding methods, ``replace``,
``join``, ``translate``, repetition, concatenation, and the size of integers.

Plain Python (stdlib only): the render pool's child process imports this, and nothing heavier.
Every refusal raises :class:`TemplateLimit`, whose ``limit`` names the bound that was hit.
"""
from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

MAX_TEMPLATE_CHARS = 100_000
MAX_OUTPUT_CHARS = 2_000_000  # one rendered text; also the largest string an operation may build
MAX_WRITTEN_CHARS = 8_000_000  # everything written in one render, buffers of macros and set-blocks included
MAX_ITERATIONS = 1_000_000  # loop steps and calls in one render
MAX_RANGE = 100_000  # items of one range()
MAX_INT_BITS = 100_000
MAX_SECONDS = float(os.environ.get("FOMO_TEMPLATE_SECONDS", "5"))

#: The limits a failure can name (``TemplateLimit.limit``).
LIMITS = ("time", "memory", "output", "loop count", "number size", "string size", "unsafe", "error")


class TemplateLimit(Exception):
    """A render stopped at one of its limits. ``limit`` is one of :data:`LIMITS`."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit
        self.message = message


class Budget:
    """The running cost of one render: loop steps and calls, characters written, and its deadline."""

    __slots__ = ("steps", "written", "deadline", "seconds")

    def __init__(self, seconds: float = MAX_SECONDS) -> None:
        self.steps = 0
        self.written = 0
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_ITERATIONS:
            raise TemplateLimit("loop count", f"the template loops or calls more than {MAX_ITERATIONS:,} times")
        if not self.steps & 0x3FF or n > 1:  # the clock every 1,024 steps: a step costs ~50 ns, the clock more
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit("time", f"the template took longer than {self.seconds:g} seconds")

    def write(self, n: int) -> None:
        self.written += n
        if self.written > MAX_WRITTEN_CHARS:
            raise TemplateLimit("output", f"the template writes more than {MAX_WRITTEN_CHARS:,} characters "
                                          "(macros and set blocks included)")


_BUDGET: ContextVar[Budget | None] = ContextVar("fomo_template_budget", default=None)


def current() -> Budget:
    """The budget of the render running in this context (a fresh one outside any render)."""
    budget = _BUDGET.get()
    return budget if budget is not None else Budget()


def start(seconds: float) -> tuple[Any, Budget]:
    """Begin a render's budget; returns (the token for :func:`end`, the budget)."""
    budget = Budget(seconds)
    return _BUDGET.set(budget), budget


def end(token: Any) -> None:
    _BUDGET.reset(token)


def guarded(iterable: Iterable[Any]) -> Iterator[Any]:
    """``iterable``, spending one step of the render's budget per item (compiled into every loop)."""
    budget = current()
    for item in iterable:
        budget.step()
        yield item


# ---------------------------------------------------------------- sizes


def too_long(what: str, size: int) -> TemplateLimit:
    return TemplateLimit("string size", f"{what} would be {size:,} characters long; the limit is {MAX_OUTPUT_CHARS:,}")


def check_size(what: str, size: int) -> None:
    if size > MAX_OUTPUT_CHARS:
        raise too_long(what, size)


def check_width(what: str, value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT_CHARS:
        raise too_long(what, abs(value))


def check_int(what: str, bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimit("number size", f"{what} would be a number of {bits:,} bits; the limit is {MAX_INT_BITS:,}")


def printed_size(value: Any, cap: int = MAX_OUTPUT_CHARS) -> int:
    """About how many characters ``str(value)`` has, without building it for containers; stops
    counting past ``cap`` (enough to refuse)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, float):
        return 24
    if isinstance(value, (list, tuple, set, frozenset)):
        total = 2
        for item in value:
            total += printed_size(item, cap - total) + 2
            if total > cap:
                return total
        return total
    if isinstance(value, Mapping):
        total = 2
        for key, item in value.items():
            total += printed_size(key, cap - total) + printed_size(item, cap - total) + 4
            if total > cap:
                return total
        return total
    return 80


def sequence_size(value: Any) -> int:
    """Characters for strings and bytes; printed size for lists and tuples (whose items may be long)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    return printed_size(value)


def check_multiply(left: Any, right: Any) -> None:
    """``left * right``: repeated strings and lists stay under the size limit, integers under the bit limit."""
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(n, int) and n > 1:
            if len(seq) * n > MAX_OUTPUT_CHARS:
                raise too_long("repeating it", len(seq) * n)
            check_size("repeating it", sequence_size(seq) * n)
            return
    if isinstance(left, int) and isinstance(right, int):
        check_int("the product", left.bit_length() + right.bit_length())


def check_power(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        check_int("the result of **", right)  # at least one bit per unit of the exponent
        check_int("the result of **", int(right * math.log2(abs(left))) + 1)


def check_add(left: Any, right: Any) -> None:
    if isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
        check_size("the joined value", sequence_size(left) + sequence_size(right))


# ---------------------------------------------------------------- % formatting

_PERCENT = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


def check_percent(fmt: str | bytes, args: Any) -> None:
    """Refuse ``fmt % args`` when its widths, precisions and arguments add up past the size limit."""
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    positional = list(args) if isinstance(args, tuple) else [args]
    mapping = args if isinstance(args, Mapping) else None
    total = len(text)
    index = 0

    def next_arg() -> Any:
        nonlocal index
        value = positional[index] if index < len(positional) else None
        index += 1
        return value

    for m in _PERCENT.finditer(text):
        key, width, precision, conversion = m.groups()
        if conversion == "%":
            continue
        sizes = []
        for part in (width, precision):
            if part == "*":
                star = next_arg()
                sizes.append(abs(star) if isinstance(star, int) else 0)
            elif part:
                sizes.append(int(part))
        value = mapping.get(key) if mapping is not None and key is not None else next_arg()
        total += sum(sizes) + printed_size(value)
        if total > MAX_OUTPUT_CHARS:
            raise too_long("the formatted text", total)


# ---------------------------------------------------------------- str.format

_DIGITS = re.compile(r"\d+")


def spec_width(spec: str) -> int:
    """The largest number in a format spec (its width or precision): enough to refuse a huge one."""
    digits = _DIGITS.findall(spec)
    if any(len(d) > 9 for d in digits):
        return MAX_OUTPUT_CHARS + 1
    return max((int(d) for d in digits), default=0)


# ---------------------------------------------------------------- str and bytes methods


def _pad(what: str) -> Any:
    def check(s: Any, width: Any = 0, *rest: Any) -> None:
        check_width(what, width)
    return check


def _replace(s: Any, old: Any = None, new: Any = None, count: Any = -1, *rest: Any) -> None:
    if not isinstance(old, type(s)) or not isinstance(new, type(s)) or len(new) <= len(old):
        return
    n = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        n = min(n, count)
    check_size("the replaced text", len(s) + n * (len(new) - len(old)))


def _join(s: Any, items: Any = (), *rest: Any) -> list[Any]:
    listed = list(guarded(items)) if not isinstance(items, (list, tuple)) else list(items)
    size = len(s) * max(0, len(listed) - 1)
    for item in listed:
        size += len(item) if isinstance(item, (str, bytes)) else 0
        if size > MAX_OUTPUT_CHARS:
            raise too_long("the joined text", size)
    return listed


def _expandtabs(s: Any, tabsize: Any = 8, *rest: Any) -> None:
    if isinstance(tabsize, int):
        check_size("the expanded text", len(s) + s.count("\t" if isinstance(s, str) else b"\t") * max(tabsize, 0))


def _translate(s: Any, table: Any = None, *rest: Any) -> None:
    values: Iterable[Any] = table.values() if isinstance(table, Mapping) else \
        table if isinstance(table, (list, tuple)) else ()
    longest = max((len(v) for v in values if isinstance(v, (str, bytes))), default=1)
    check_size("the translated text", len(s) * longest)


def _to_bytes(n: Any, length: Any = 1, *rest: Any) -> None:
    check_width("to_bytes()", length)


#: Bounded methods of str and bytes (and int.to_bytes): name -> check(self, *args) run before the call.
METHOD_CHECKS: dict[str, Any] = {
    "ljust": _pad("the padded text"), "rjust": _pad("the padded text"), "center": _pad("the padded text"),
    "zfill": _pad("the padded text"), "expandtabs": _expandtabs, "replace": _replace, "translate": _translate,
}


def bounded_method(method: Any) -> Any:
    """A wrapper of a bound str/bytes/int method that checks its arguments first, or None if the
    method needs none."""
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    check: Any
    if isinstance(owner, int) and not isinstance(owner, bool) and name == "to_bytes":
        check = _to_bytes
    elif isinstance(owner, (str, bytes)) and (name in METHOD_CHECKS or name == "join"):
        check = METHOD_CHECKS.get(name)
    else:
        return None

    if name == "join":
        def join(items: Any = (), *args: Any, **kwargs: Any) -> Any:
            return method(_join(owner, items), *args, **kwargs)
        join.__name__ = join.__qualname__ = "join"
        return join

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check(owner, *args, *kwargs.values())
        return method(*args, **kwargs)

    bounded.__name__ = bounded.__qualname__ = name
    return bounded
