"""Shared config field types for node settings."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from builder.nodes.base import is_valid_type


def _port_type(value: str) -> str:
    if not is_valid_type(value):
        raise ValueError(f"{value!r} is not a port type; use text, messages, document, json, embedding, any "
                         "or list[<one of those>]")
    return value


#: A name people type and programs read back: a run input/output name, a router branch.
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", min_length=1, max_length=64)]
PortType = Annotated[str, AfterValidator(_port_type)]
