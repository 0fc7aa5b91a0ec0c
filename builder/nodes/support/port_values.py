"""Does a JSON value fit a port type? Used for run inputs and input-node defaults."""
from __future__ import annotations

from typing import Any

from builder.nodes.base import is_list, item_type

_JSON_NAMES = {
    "text": "a string",
    "messages": "a list of {role, content} messages",
    "document": "an object",
    "embedding": "a list of numbers",
}


def fits(port_type: str, value: Any) -> bool:
    if port_type in ("any", "json"):
        return True
    if is_list(port_type):
        inner = item_type(port_type)
        return isinstance(value, list) and all(fits(inner, item) for item in value)
    if port_type == "text":
        return isinstance(value, str)
    if port_type == "document":
        return isinstance(value, dict)
    if port_type == "embedding":
        return isinstance(value, list) and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in value)
    if port_type == "messages":
        return isinstance(value, list) and all(
            isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
            for m in value)
    return False


def describe(port_type: str) -> str:
    """A phrase for error messages: what a value of ``port_type`` looks like in JSON."""
    if is_list(port_type):
        return f"a list of {item_type(port_type)} values"
    return _JSON_NAMES.get(port_type, "any JSON value")
