"""The node catalog: every node type, registered once. ``registry`` serves the palette
(``GET /api/node-types``), validation (:func:`builder.graph.validate`) and the engine.

A new node type is one module (``builder/nodes/<family>/<name>.py``) and one line here.
"""
from __future__ import annotations

from builder.nodes.base import Registry
from builder.nodes.document.load import DocumentLoadNode
from builder.nodes.embed.embed import EmbedNode
from builder.nodes.filter.filter import FilterNode
from builder.nodes.http.request import HttpRequestNode
from builder.nodes.input.input import InputNode
from builder.nodes.json.extract import JsonExtractNode
from builder.nodes.llm.chat import LlmChatNode
from builder.nodes.memory.load import MemoryLoadNode
from builder.nodes.memory.save import MemorySaveNode
from builder.nodes.merge.merge import MergeNode
from builder.nodes.output.output import OutputNode
from builder.nodes.output.parse import OutputParseNode
from builder.nodes.prompt.template import PromptTemplateNode
from builder.nodes.router.classify import ClassifyNode
from builder.nodes.router.router import RouterNode
from builder.nodes.text.constant import TextConstantNode
from builder.nodes.text.join import TextJoinNode
from builder.nodes.text.split import TextSplitNode
from builder.nodes.vector.delete import VectorDeleteNode
from builder.nodes.vector.query import VectorQueryNode
from builder.nodes.vector.upsert import VectorUpsertNode

registry = Registry()
registry.register(InputNode)
registry.register(OutputNode)
registry.register(TextConstantNode)
registry.register(PromptTemplateNode)
registry.register(LlmChatNode)
registry.register(TextSplitNode)
registry.register(TextJoinNode)
registry.register(RouterNode)
registry.register(ClassifyNode)
registry.register(MergeNode)
registry.register(JsonExtractNode)
registry.register(EmbedNode)
registry.register(VectorUpsertNode)
registry.register(VectorQueryNode)
registry.register(VectorDeleteNode)
registry.register(HttpRequestNode)
registry.register(OutputParseNode)
registry.register(FilterNode)
registry.register(DocumentLoadNode)
registry.register(MemoryLoadNode)
registry.register(MemorySaveNode)
