"""What the vector nodes share: the collection setting, store calls off the loop, error mapping, ids."""
from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import Field

from builder.nodes.base import NodeError
from builder.vectors import NAME_RULE, VectorError, check_name

T = TypeVar("T")

def collection_field() -> Any:
    return Field(..., description=f"A collection of this workspace ({NAME_RULE}).")


def valid_collection(value: str) -> str:
    try:
        return check_name(value)
    except VectorError as exc:
        raise ValueError(exc.message) from None


async def call_store(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call off the event loop; store errors become node errors."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except VectorError as exc:
        field = {"not_found": "collection", "bad_name": "collection", "bad_filter": "where"}.get(exc.kind)
        raise NodeError(exc.message, kind=exc.kind, field=field) from None


def text_id(text: str) -> str:
    """A stable id for a text: the same text always gets the same id, so re-ingesting replaces."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def check_where(where: Any, field: str = "where") -> dict[str, Any] | None:
    if where in (None, {}):
        return None
    if not isinstance(where, dict):
        raise NodeError("the metadata filter must be a JSON object such as {\"source\": \"book\"}",
                        kind="bad_filter", field=field)
    return where
