"""``document.load`` with a host whose document store holds one workspace's documents."""
from __future__ import annotations

from typing import Any

import pytest

from builder.nodes.base import NodeError
from tests.nodes.kit import FakeContext, FakeServices


class WorkspaceDocuments(FakeServices):
    def __init__(self) -> None:
        super().__init__()
        self.docs = {7: {"id": 7, "name": "Book", "size": 9, "source": "txt", "text": "Once upon"}}

    def document(self, document_id: int) -> dict[str, Any]:
        if document_id not in self.docs:
            raise LookupError("document not found in this workspace")
        return self.docs[document_id]


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext(services=WorkspaceDocuments())


def test_document_load_gives_text_and_meta(run, ctx):
    out = run("document.load", {"document": 7}, {}, ctx)
    assert out == {"text": "Once upon", "document": {"id": 7, "name": "Book", "size": 9, "source": "txt"}}


def test_a_document_outside_the_workspace_is_not_found(run, ctx):
    with pytest.raises(NodeError) as caught:
        run("document.load", {"document": 8}, {}, ctx)
    assert caught.value.kind == "not_found" and caught.value.field == "document"


def test_document_load_needs_an_id(config_errors):
    assert "document" in config_errors("document.load", {})
    assert "document" in config_errors("document.load", {"document": 0})
