"""Design time's rows, one module per concept: workspaces and members, pipelines and versions,
credentials, documents, conversations. Modules holding the rules about them (credential crypto
and look-up, document extraction, conversation memory) import these, never the reverse."""
from __future__ import annotations

from builder.models.conversation import Conversation, ConversationMessage
from builder.models.credential import Credential
from builder.models.document import Document
from builder.models.pipeline import Pipeline, PipelineVersion, empty_graph
from builder.models.workspace import Membership, Role, Workspace

__all__ = ["Conversation", "ConversationMessage", "Credential", "Document", "Membership", "Pipeline",
           "PipelineVersion", "Role", "Workspace", "empty_graph"]
