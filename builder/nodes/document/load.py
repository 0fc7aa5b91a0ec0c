"""``document.load``: the text of one of the workspace's documents.

Reads through ``ctx.services.document(id)``, which the host binds to the run's workspace: a
document of another workspace is "not found", exactly like one that does not exist.
"""
from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from builder.nodes.base import Node, NodeContext, NodeError, Port


class DocumentLoadConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: int = Field(..., ge=1, description="The id of a document of this workspace.")


class DocumentLoadNode(Node[DocumentLoadConfig]):
    type = "document.load"
    title = "Load document"
    category = "Data"
    description = "The text of an uploaded or pasted document of this workspace."
    Config = DocumentLoadConfig
    outputs = (Port("text", "text"),
               Port("document", "json", description="{id, name, size, chars, source, created_at}"))

    async def run(self, ctx: NodeContext, config: DocumentLoadConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        try:
            found = await asyncio.to_thread(ctx.services.document, config.document)
        except LookupError:
            raise NodeError(f"document {config.document} not found in this workspace", kind="not_found",
                            field="document") from None
        meta = {k: v for k, v in found.items() if k != "text"}
        return {"text": found["text"], "document": meta}
