"""The template gallery: ready-made pipelines that run offline (the offline extractive chat model,
local embeddings), so a new pipeline gives an output that fits its task before any key is set.

A template is one or more pipelines created together ("Q&A over a document" has an ingest
pipeline and a question pipeline sharing a collection). Sample texts written for the project
live in ``builder/samples`` and become the inputs' defaults, so a new pipeline runs as is.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from builder import graph_doc
from builder.graph_doc import GraphDoc

SAMPLES = Path(__file__).resolve().parent / "samples"
QA_COLLECTION = "qa-sample"
OFFLINE = {"provider": "offline", "model": "offline-extractive"}


@cache
def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class PipelineTemplate:
    name: str
    description: str
    build: Callable[[], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Template:
    slug: str
    title: str
    description: str
    pipelines: tuple[PipelineTemplate, ...]

    def describe(self) -> dict[str, Any]:
        return {"slug": self.slug, "title": self.title, "description": self.description,
                "pipelines": [{"name": p.name, "description": p.description} for p in self.pipelines]}


def _with_default(doc: dict[str, Any], node_id: str, default: Any) -> dict[str, Any]:
    for node in doc["nodes"]:
        if node["id"] == node_id:
            node["config"]["default"] = default
            node["config"]["required"] = False
    return doc


def with_offline_model(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with every node that asks the scriptable ``fake`` model asking the offline model instead
    (its simulated latency dropped: the offline model takes the time it takes)."""
    for node in doc["nodes"]:
        if node["config"].get("provider") == "fake" and node["type"] in ("llm.chat", "router.classify"):
            node["config"].update(OFFLINE)
            node["config"].pop("latency_ms", None)
    return doc


def transcript() -> dict[str, Any]:
    return _with_default(with_offline_model(graph_doc.transcript_summary(chunk_size=1000)),
                         "transcript", sample("meeting_transcript.txt"))


def qa_ingest(collection: str = QA_COLLECTION) -> dict[str, Any]:
    """document → split by tokens → local embeddings → upsert into the collection."""
    g = GraphDoc()
    g.node("document", "input", {"name": "document", "type": "text", "required": False,
                                 "default": sample("textbook.txt"),
                                 "description": "The text to ask questions about."}, x=0, y=0)
    g.node("split", "text.split", {"mode": "tokens", "chunk_size": 200, "chunk_overlap": 30}, x=260)
    g.node("embed", "embed", {"provider": "local", "input_type": "search_document"}, x=520)
    g.node("upsert", "vector.upsert", {"collection": collection}, x=780)
    g.node("stored", "output", {"name": "stored"}, x=1040)
    g.edge("document", "value", "split", "text")
    g.edge("split", "chunks", "embed", "texts")
    g.edge("split", "chunks", "upsert", "texts")
    g.edge("embed", "embeddings", "upsert", "embeddings")
    g.edge("upsert", "count", "stored", "value")
    return g.doc()


QA_PROMPT = """Answer the question using only the context below. If the context does not contain the
answer, say that you do not know.

Context:
{{ context }}

Question: {{ question }}"""


def qa_question(collection: str = QA_COLLECTION, k: int = 3) -> dict[str, Any]:
    """question → local embedding (search_query) → k nearest chunks → prompt → model → answer."""
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text", "required": False,
                                 "default": "How do honey bees tell each other where flowers are?"}, x=0, y=120)
    g.node("embed", "embed", {"provider": "local", "input_type": "search_query"}, x=260, y=0)
    g.node("query", "vector.query", {"collection": collection, "k": k}, x=520, y=0)
    g.node("prompt", "prompt.template", {"template": QA_PROMPT}, x=780, y=120)
    g.node("llm", "llm.chat", dict(OFFLINE), x=1040, y=120)
    g.node("answer", "output", {"name": "answer"}, x=1300, y=60)
    g.node("sources", "output", {"name": "sources"}, x=1300, y=240)
    g.edge("question", "value", "embed", "text")
    g.edge("embed", "embedding", "query", "embedding")
    g.edge("query", "context", "prompt", "context")
    g.edge("question", "value", "prompt", "question")
    g.edge("prompt", "text", "llm", "prompt")
    g.edge("llm", "text", "answer", "value")
    g.edge("query", "documents", "sources", "value")
    return g.doc()


def tiers() -> dict[str, Any]:
    return _with_default(with_offline_model(graph_doc.route_by_tier()),
                         "request", {"tier": "paid", "question": "How do I export my pipelines?"})


TRIAGE_TEAMS = (
    ("billing", "Charges, invoices, refunds and payments.", "the billing team"),
    ("bug", "Something in the product is broken, crashes or shows an error.", "the engineering on-call"),
    ("how_to", "A question about how to do something with the product.", "the support team"),
)


def triage() -> dict[str, Any]:
    """ticket → a model classifies it → the chosen team's prompt (the others are skipped) → merge →
    one model drafts the reply; the category is an output too."""
    g = GraphDoc()
    g.node("ticket", "input", {"name": "ticket", "type": "text", "required": False,
                               "default": "I was charged twice this month, please refund one of the payments."},
           x=0, y=200)
    g.node("classify", "router.classify", {
        **OFFLINE,
        "categories": [{"name": name, "description": about} for name, about, _ in TRIAGE_TEAMS],
        "default_branch": "other"}, x=260, y=200)
    g.node("merge", "merge", {}, x=780, y=200)
    for row, (name, _, team) in enumerate(TRIAGE_TEAMS + (("other", "", "a support generalist"),)):
        g.node(f"{name}_prompt", "prompt.template",
               {"template": f"You are {team}. Draft a short, kind reply to this ticket:\n\n{{{{ ticket }}}}"},
               x=520, y=row * 130)
        g.edge("classify", name, f"{name}_prompt", "ticket")
        g.edge(f"{name}_prompt", "text", "merge", "abcd"[row])
    g.node("llm", "llm.chat", dict(OFFLINE), x=1040, y=200)
    g.node("reply", "output", {"name": "reply"}, x=1300, y=120)
    g.node("team", "output", {"name": "category"}, x=1300, y=300)
    g.edge("ticket", "value", "classify", "value")
    g.edge("merge", "value", "llm", "prompt")
    g.edge("llm", "text", "reply", "value")
    g.edge("classify", "label", "team", "value")
    return g.doc()


CHAT_SYSTEM = "You are a friendly, concise assistant."


def chat() -> dict[str, Any]:
    """message + session → the session's history → model → reply, and the exchange saved back, so
    the chat playground and the embedded widget remember earlier turns."""
    g = GraphDoc()
    g.node("message", "input", {"name": "message", "type": "text", "required": False,
                                "default": "Write a haiku about pipelines."}, x=0, y=0)
    g.node("session", "input", {"name": "session", "type": "text", "required": False, "default": "playground",
                                "description": "The conversation to continue (the chat sends its own)."},
           x=0, y=200)
    g.node("history", "memory.load", {"max_tokens": 2000, "max_messages": 50}, x=260, y=200)
    g.node("prompt", "prompt.template", {"template": "{{ message }}"}, x=260, y=0)
    g.node("llm", "llm.chat", {**OFFLINE, "system": CHAT_SYSTEM}, x=520, y=60)
    g.node("reply", "output", {"name": "reply"}, x=800, y=0)
    g.node("remember", "memory.save", {}, x=800, y=200)
    g.edge("message", "value", "prompt", "message")
    g.edge("prompt", "text", "llm", "prompt")
    g.edge("session", "value", "history", "session")
    g.edge("history", "messages", "llm", "messages")
    g.edge("llm", "text", "reply", "value")
    g.edge("session", "value", "remember", "session")
    g.edge("message", "value", "remember", "user")
    g.edge("llm", "text", "remember", "assistant")
    return g.doc()


TEMPLATES: dict[str, Template] = {t.slug: t for t in (
    Template("transcript-summary", "Summarize a long transcript",
             "Map/reduce over a 7,500-word meeting transcript: split by tokens, summarize every chunk in "
             "parallel, then summarize the summaries.",
             (PipelineTemplate("Summarize a long transcript", "Map/reduce summary of a meeting transcript.",
                               transcript),)),
    Template("document-qa", "Q&A over a document",
             "Two pipelines: one splits a document, embeds the chunks locally and stores them in a "
             "collection; the other embeds a question, takes the nearest chunks and asks a model.",
             (PipelineTemplate("Q&A: ingest a document", f"Split, embed and store a document in '{QA_COLLECTION}'.",
                               qa_ingest),
              PipelineTemplate("Q&A: ask a question", f"Answer from the nearest chunks of '{QA_COLLECTION}'.",
                               qa_question))),
    Template("route-by-tier", "Route by customer tier",
             "Paid requests go to a stronger model, free ones to a cheap model.",
             (PipelineTemplate("Route by customer tier", "Cheap model for free tier, stronger model for paid.",
                               tiers),)),
    Template("triage-tickets", "Triage support tickets",
             "A model reads each ticket and picks its category (billing, bug, how-to or other); only that "
             "team's prompt runs, then one model drafts the reply.",
             (PipelineTemplate("Triage support tickets", "Classify by model → the team's prompt → reply.",
                               triage),)),
    Template("chat", "Chat with a prompt",
             "A prompt template in front of a chat model, with memory: each session's earlier messages go "
             "with the new one, and the exchange is saved back.",
             (PipelineTemplate("Chat with a prompt", "Message + session → history → model → reply (remembered).",
                               chat),)),
)}
