"""JSON that every part of fomo can store and send: one loader for what users send, one
sanitiser for what runs produce. Plain Python (no Django), so any layer may use it.

Two kinds of value parse as JSON in Python yet break later, far from where they came in:

* text that is not Unicode: a lone UTF-16 surrogate (``"\\ud800"`` is valid JSON, but no
  UTF-8 encoder, msgpack packer or PostgreSQL ``jsonb`` takes it) and NUL (``"\\u0000"``:
  PostgreSQL refuses it in ``jsonb`` and in text columns);
* structure too deep to handle: Python's decoder stops with ``RecursionError`` past ~1,000
  levels, and each recursive step after it (validation, ``json.dumps``, the renderer) needs
  stack of its own.

:func:`loads` refuses both, naming the field (:class:`UnsafeJSON`, a ``ValueError``).
:func:`storable` repairs them in values fomo did not receive but computed (node outputs,
errors, event payloads) so they can always be written, read back and published.
"""
from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 100  # containers inside containers that a request body may hold
STORED_MAX_DEPTH = 200  # what a stored value may hold: inputs (≤ MAX_DEPTH) plus fomo's own wrapping
MAX_INT_BITS = 14_000  # ~4,200 digits: Python refuses to print ints over 4,300 digits (json.dumps too)
REPLACEMENT = "\ufffd"
TOO_DEEP = f"[value nested more than {STORED_MAX_DEPTH} levels deep; cut here]"
_PATH_CHARS = 160


class UnsafeJSON(ValueError):
    """A JSON document fomo will not take. ``code`` is ``too_deep``, ``invalid_text`` or
    ``invalid_number``; ``field`` is the path of the offending value (``inputs.message``,
    ``graph.nodes[3].label``) or None when the parser could not say; ``limit`` is the depth
    limit for ``too_deep``."""

    def __init__(self, message: str, *, code: str, field: str | None = None, limit: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.limit = limit


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH, where: str = "") -> Any:
    """Parse ``text`` as strict JSON and :func:`check` it.

    Raises :class:`UnsafeJSON` for a document nested deeper than ``max_depth`` or holding a
    lone surrogate, a NUL or a number out of float range; a plain ``ValueError`` (as
    ``json.loads``) for text that is not JSON. ``where`` prefixes the field paths."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise UnsafeJSON(f"{where + ': ' if where else ''}the JSON is nested more than {max_depth} levels deep; "
                         f"the limit is {max_depth}", code="too_deep", field=where or None, limit=max_depth) from None
    check(value, max_depth=max_depth, where=where)
    return value


def text_problem(s: str) -> str | None:
    """Why ``s`` cannot be stored as text (a lone surrogate, a NUL), or None."""
    if s.isascii():
        return "contains a NUL character (\\u0000), which cannot be stored" if "\x00" in s else None
    if "\x00" in s:
        return "contains a NUL character (\\u0000), which cannot be stored"
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains a lone surrogate (\\u{ord(s[exc.start]):04x}), which is not valid Unicode text"
    return None


def check(value: Any, *, max_depth: int = MAX_DEPTH, where: str = "") -> None:
    """Raise :class:`UnsafeJSON` naming the first value of ``value`` (a parsed JSON document)
    that is nested deeper than ``max_depth``, holds text :func:`text_problem` refuses (keys
    too), or is a float that is not finite. Iterative: any depth is safe to check."""
    if not isinstance(value, (dict, list)):
        _check_leaf(value, None, where, None)
        return
    # A node is (container, depth, parent node, key in the parent): the path is only built on error.
    stack: list[tuple[Any, int, Any, Any]] = [(value, 1, None, None)]
    while stack:
        node = stack.pop()
        container, depth = node[0], node[1]
        if depth > max_depth:
            field = _path(node, where)
            raise UnsafeJSON(f"{field}: nested more than {max_depth} levels deep; the limit is {max_depth}",
                             code="too_deep", field=field, limit=max_depth)
        is_dict = type(container) is dict
        for key, item in (container.items() if is_dict else enumerate(container)):
            if is_dict and (problem := text_problem(str(key))):
                field = _path(node, where, key)
                raise UnsafeJSON(f"{field}: the key {problem}", code="invalid_text", field=field)
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1, node, key))
            elif kind is str or kind is float:
                _check_leaf(item, node, where, key)


def _check_leaf(value: Any, node: Any, where: str, key: Any) -> None:
    if type(value) is str:
        if problem := text_problem(value):
            field = _path(node, where, key)
            raise UnsafeJSON(f"{field}: {problem}", code="invalid_text", field=field)
    elif type(value) is float and not math.isfinite(value):
        field = _path(node, where, key)
        raise UnsafeJSON(f"{field}: the number is out of range for JSON", code="invalid_number", field=field)


def _step(key: Any) -> str:
    if isinstance(key, int):
        return f"[{key}]"
    if key and key.isascii() and key.replace("_", "a").replace("-", "a").isalnum():
        return f".{key}"
    return f"[{json.dumps(key)}]"  # escaped, so the message itself is always valid text


def _path(node: Any, where: str, last: Any = None) -> str:
    steps = [] if last is None else [_step(last)]
    while node is not None and node[2] is not None:
        steps.append(_step(node[3]))
        node = node[2]
    path = where + "".join(reversed(steps))
    path = path[1:] if path.startswith(".") else path
    if len(path) > _PATH_CHARS:
        path = path[:_PATH_CHARS] + "…"
    return path or "the value"


# ---------------------------------------------------------------- repairing computed values


def storable_text(s: str) -> str:
    """``s`` with each lone surrogate and each NUL replaced by U+FFFD; a surrogate pair left as
    two code points (two halves streamed apart) is joined into its character."""
    if s.isascii():
        return s.replace("\x00", REPLACEMENT) if "\x00" in s else s
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return s.replace("\x00", REPLACEMENT) if "\x00" in s else s


def storable(value: Any, _depth: int = 0) -> Any:
    """``value`` made safe to store as JSON (SQLite and PostgreSQL ``jsonb``), to render and to
    publish. Text goes through :func:`storable_text` (keys too); NaN and ±Infinity become None;
    an int too long to print becomes a short description; tuples become lists, bytes text, other
    objects their ``str``; containers past :data:`STORED_MAX_DEPTH` are cut with a marker.
    Returns ``value`` itself (not a copy) when nothing needed repair, so the common case costs
    one walk and no allocation that survives it."""
    kind = type(value)
    if kind is str:
        return storable_text(value)
    if value is None or kind is bool:
        return value
    if kind is int:
        return value if value.bit_length() <= MAX_INT_BITS else f"[an integer of {value.bit_length():,} bits]"
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        if _depth >= STORED_MAX_DEPTH:
            return TOO_DEEP
        out: dict[str, Any] = {}
        changed = False
        for k, v in value.items():
            key = storable_text(k) if type(k) is str else _key(k)
            item = storable(v, _depth + 1)
            changed = changed or key is not k or item is not v
            out[key] = item
        return out if changed else value
    if kind is list or kind is tuple:
        if _depth >= STORED_MAX_DEPTH:
            return TOO_DEEP
        if kind is list and _all_finite_numbers(value):
            return value  # embeddings: thousands of floats checked in one C loop
        items = [storable(v, _depth + 1) for v in value]
        if kind is list and all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items
    if isinstance(value, (bytes, bytearray)):
        return storable_text(bytes(value).decode("utf-8", "replace"))
    # Subclasses (an IntEnum, an OrderedDict, a str subclass) are stored as their base type.
    if isinstance(value, str):
        return storable_text(str(value))
    if isinstance(value, int):
        return storable(int(value), _depth)
    if isinstance(value, float):
        return storable(float(value), _depth)
    if isinstance(value, dict):
        return storable(dict(value), _depth)
    if isinstance(value, (list, tuple)):
        return storable(list(value), _depth)
    return storable_text(str(value))


def _key(key: Any) -> str:
    """A non-text key as ``json.dumps`` would write it (``1`` → ``"1"``, None → ``"null"``)."""
    if key is None or isinstance(key, (bool, int, float)):
        fixed = storable(key)
        return fixed if isinstance(fixed, str) else json.dumps(fixed)
    return storable_text(str(key))


def _all_finite_numbers(items: list[Any]) -> bool:
    if not items or type(items[0]) is not float:
        return False
    try:
        return math.isfinite(math.fsum(items))  # TypeError for anything but numbers; inf/nan propagate
    except (TypeError, OverflowError, ValueError):
        return False
