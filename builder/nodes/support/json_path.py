"""A small path language into JSON values: ``a.b[0].c``, ``$.items[-1]["odd key"]``, ``rows[*].id``.

Segments: ``.name`` or a leading ``name``; ``[n]`` (negative counts from the end); ``["key"]`` or
``['key']``; ``[*]`` or ``.*`` (every item, the result becomes a list). A leading ``$`` is allowed.
The empty path (or ``$``) is the value itself.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

MAX_PATH_CHARS = 1000

WILDCARD = object()
_TOKEN = re.compile(
    r"""(?P<dot>\.)?(?P<name>\w[\w\-]*)                 # .name (or .0), or a bare name first
      | \[\s*(?P<index>-?\d+)\s*\]                      # [3] / [-1]
      | \[\s*(?P<quoted>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\]  # ["key"] / ['key']
      | (?P<star>\[\s*\*\s*\]|\.\*)                    # [*] / .*
    """,
    re.VERBOSE,
)


class PathError(ValueError):
    pass


class Missing(Exception):
    """The path does not exist in the value; ``at`` is the prefix that was found."""

    def __init__(self, at: str) -> None:
        super().__init__(at)
        self.at = at


@lru_cache(maxsize=1024)
def parse(path: str) -> tuple[Any, ...]:
    """Segments of ``path`` (str keys, int indexes, WILDCARD); raises PathError with the position."""
    if len(path) > MAX_PATH_CHARS:
        raise PathError(f"the path is longer than {MAX_PATH_CHARS} characters")
    text = path.strip()
    pos = 1 if text.startswith("$") else 0
    segments: list[Any] = []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or (match.group("name") is not None and match.group("dot") is None and segments):
            raise PathError(f"unexpected {text[pos:pos + 12]!r} at position {pos} in path {path!r}")
        if match.group("name") is not None:
            segments.append(match.group("name"))
        elif match.group("index") is not None:
            segments.append(int(match.group("index")))
        elif match.group("quoted") is not None:
            segments.append(_unquote(match.group("quoted")))
        else:
            segments.append(WILDCARD)
        pos = match.end()
    return tuple(segments)


def _unquote(quoted: str) -> str:
    body = quoted[1:-1]
    if quoted[0] == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    try:
        return str(json.loads(f'"{body}"'))
    except ValueError as exc:
        raise PathError(f"bad quoted key {quoted}: {exc}") from None


def _label(segments: tuple[Any, ...]) -> str:
    out = "$"
    for seg in segments:
        out += "[*]" if seg is WILDCARD else f"[{seg}]" if isinstance(seg, int) else f".{seg}"
    return out


def get(value: Any, path: str) -> Any:
    """The value at ``path``; raises Missing (naming the deepest prefix found) or PathError."""
    return _walk(value, parse(path), 0)


def _walk(value: Any, segments: tuple[Any, ...], depth: int) -> Any:
    for i in range(depth, len(segments)):
        seg = segments[i]
        if seg is WILDCARD:
            if isinstance(value, dict):
                items = list(value.values())
            elif isinstance(value, list):
                items = value
            else:
                raise Missing(_label(segments[:i]))
            return [_walk(item, segments, i + 1) for item in items]
        if isinstance(seg, int):
            if not isinstance(value, list) or not -len(value) <= seg < len(value):
                raise Missing(_label(segments[:i]))
            value = value[seg]
        else:
            if isinstance(value, dict) and seg in value:
                value = value[seg]
            elif isinstance(value, list) and seg.isdigit() and int(seg) < len(value):
                value = value[int(seg)]
            else:
                raise Missing(_label(segments[:i]))
    return value
