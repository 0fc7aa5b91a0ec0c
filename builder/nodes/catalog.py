"""The node catalog: every node type, registered once. ``registry`` serves the palette
(``GET /api/node-types``), validation (:func:`builder.graph.validate`) and the engine."""
from __future__ import annotations

from builder.nodes.base import Registry
from builder.nodes.classify import ClassifyNode
from builder.nodes.document_load import DocumentLoadNode
from builder.nodes.embed import EmbedNode
from builder.nodes.http_request import HttpRequestNode
from builder.nodes.input_node import InputNode
from builder.nodes.json_extract import JsonExtractNode
from builder.nodes.llm_chat import LlmChatNode
from builder.nodes.memory import MemoryLoadNode, MemorySaveNode
from builder.nodes.merge import MergeNode
from builder.nodes.output_node import OutputNode
from builder.nodes.output_parse import OutputParseNode
from builder.nodes.prompt_template import PromptTemplateNode
from builder.nodes.router import RouterNode
from builder.nodes.text_constant import TextConstantNode
from builder.nodes.text_filter import FilterNode
from builder.nodes.text_join import TextJoinNode
from builder.nodes.text_split import TextSplitNode
from builder.nodes.vector_delete import VectorDeleteNode
from builder.nodes.vector_query import VectorQueryNode
from builder.nodes.vector_upsert import VectorUpsertNode

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
