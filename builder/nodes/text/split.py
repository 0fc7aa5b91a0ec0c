"""``text.split``: cut a long text into overlapping chunks, by tokens or by characters.

Tokens mode slides a window of ``chunk_size`` tokens, stepping ``chunk_size - chunk_overlap``
(exact sizes, offline via :mod:`builder.tokens`). Characters mode splits recursively at the
first separator that occurs (paragraphs, lines, sentences, words, then anywhere) and packs the
pieces into chunks of at most ``chunk_size`` characters that overlap by up to ``chunk_overlap``.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from builder import tokens
from builder.nodes.base import Node, NodeContext, NodeError, Port, list_of

DEFAULT_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


class TextSplitConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["characters", "tokens"] = "tokens"
    chunk_size: int = Field(1000, ge=1, le=100_000, description="Tokens or characters per chunk.")
    chunk_overlap: int = Field(100, ge=0, description="Tokens or characters shared by neighbouring chunks.")
    encoding: Literal["cl100k_base", "o200k_base"] = Field("cl100k_base", description="Tokens mode only.")
    separators: list[str] = Field(default_factory=lambda: list(DEFAULT_SEPARATORS), max_length=32,
                                  description="Characters mode only: where to prefer cutting, in order.")

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_size(cls, value: int, info: ValidationInfo) -> int:
        size = info.data.get("chunk_size")
        if size is not None and value >= size:
            raise ValueError(f"chunk_overlap ({value}) must be smaller than chunk_size ({size})")
        return value


def split_tokens(text: str, size: int, overlap: int, encoding: str) -> list[str]:
    ids = tokens.encode(text, encoding)
    step = size - overlap
    chunks = []
    for start in range(0, max(len(ids) - overlap, 1), step):
        chunks.append(tokens.decode(ids[start:start + size], encoding))
    return [c for c in chunks if c]


def _pieces(text: str, separators: list[str], size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` characters, each ending at the best separator."""
    if len(text) <= size:
        return [text]
    for i, sep in enumerate(separators):
        if sep == "":
            return [text[j:j + size] for j in range(0, len(text), size)]
        if sep in text:
            parts = text.split(sep)
            # Keep the separator on the piece before it, so joining the pieces gives back the text.
            parts = [p + sep for p in parts[:-1]] + [parts[-1]]
            out: list[str] = []
            for part in parts:
                if part:
                    out.extend(_pieces(part, separators[i + 1:], size))
            return out
    return [text[j:j + size] for j in range(0, len(text), size)]


def split_characters(text: str, size: int, overlap: int, separators: list[str]) -> list[str]:
    pieces = _pieces(text, separators or [""], size)
    chunks: list[str] = []
    window: list[str] = []
    length = 0
    for piece in pieces:
        if window and length + len(piece) > size:
            chunks.append("".join(window))
            # Carry trailing pieces into the next chunk while they fit in the overlap.
            while window and (length > overlap or length + len(piece) > size):
                length -= len(window.pop(0))
        window.append(piece)
        length += len(piece)
    if window:
        chunks.append("".join(window))
    return [c for c in (c.strip() for c in chunks) if c]


class TextSplitNode(Node[TextSplitConfig]):
    type = "text.split"
    title = "Split text"
    category = "Text"
    description = "Cut a long text into overlapping chunks, by tokens or characters."
    Config = TextSplitConfig
    inputs = (Port("text", "text"),)
    outputs = (Port("chunks", list_of("text")),)

    async def run(self, ctx: NodeContext, config: TextSplitConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        text = inputs.get("text")
        if not isinstance(text, str):
            raise NodeError(f"text must be a string, got {type(text).__name__}", kind="bad_input", field="text")
        split: Callable[..., list[str]]
        args: tuple[Any, ...]
        if config.mode == "tokens":
            split, args = split_tokens, (text, config.chunk_size, config.chunk_overlap, config.encoding)
        else:
            split, args = split_characters, (text, config.chunk_size, config.chunk_overlap, config.separators)
        # Tokenizing a long text (and loading the encoding the first time) is CPU work that
        # would stall every other branch on the event loop; small texts are not worth a thread.
        if config.mode == "tokens" or len(text) > 20_000:
            return {"chunks": await asyncio.to_thread(split, *args)}
        return {"chunks": split(*args)}
