"""Whether a graph document may be stored: the one rule for every way a document comes in (a new
pipeline, a draft save, an import of a pipeline and its versions).

A draft may be invalid (the canvas saves work in progress and paints its errors), but two kinds
of document are never stored anywhere: one too big or shapeless to validate (a ``limit`` or
``schema`` error of the whole document), and one with a secret typed into it (``secret``:
graph_checks.check_secret_headers), which would travel in exports and share links."""
from __future__ import annotations

from typing import Any

from builder.graph import validate
from builder.graph_types import GraphError
from fomo.errors import InvalidGraph


def unstorable(error: GraphError) -> bool:
    """Whether ``error`` forbids storing its document at all."""
    return error.code == "secret" or (error.code in ("limit", "schema") and error.node is None and error.edge is None)


def check_storable(graph: Any, where: str | None = None) -> list[dict[str, Any]]:
    """Every error of ``graph`` (as dicts) when it may be stored; else :class:`InvalidGraph`
    (400) with the errors that forbid it, its message prefixed by ``where`` when given."""
    found = validate(graph)[1]
    fatal = [e for e in found if unstorable(e)]
    if fatal:
        message = f"{where}: {fatal[0].message}" if where else fatal[0].message
        raise InvalidGraph(message, details={"errors": [e.as_dict() for e in fatal]})
    return [e.as_dict() for e in found]
