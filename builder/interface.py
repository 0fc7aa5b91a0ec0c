"""What a pipeline takes and gives, and whether and how it chats: the one place these are derived.

The validate answer, the draft save answer and the pipeline detail publish it as ``interface``
(docs/api.md); the run form, the API examples, the experiment form, the chat playground and the
embed widget all read it instead of re-deriving it. Plain Python, no Django.

Run inputs are the ``input`` nodes, outputs the ``output`` nodes, both in document order. The chat
contract of a graph:

- ``session``: the text input named ``session`` or ``…_session`` / ``session_id`` (else none);
- ``message``: among the other text inputs, the first with a preferred name
  (:data:`MESSAGE_NAMES`), else the first in document order; there must be one;
- every other input must be optional (a chat only sends the message and the session);
- ``answer``: the output with a preferred name (:data:`ANSWER_NAMES`), else the first; there must be one;
- ``stream_node``: the nearest node upstream of the answer whose type ``streams_text`` (else none);
- ``memory``: some node's type has the ``memory`` trait.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from builder.graph import validate
from builder.graph_types import Plan

MESSAGE_NAMES = ("message", "msg", "q", "question", "prompt", "user", "text", "input", "query")
ANSWER_NAMES = ("answer", "reply", "response", "output", "text", "result")
SESSION_RE = re.compile(r"(^|_)session(_id)?$", re.IGNORECASE)


class RunInputOut(TypedDict):
    name: str
    type: str
    required: bool
    default: Any
    description: str
    node: str


class RunOutputOut(TypedDict):
    name: str
    node: str


class ChatOut(TypedDict, total=False):
    can_chat: bool
    message: str
    session: str | None
    answer: str
    stream_node: str | None
    memory: bool
    reason: str
    details: dict[str, Any]


class InterfaceOut(TypedDict):
    inputs: list[RunInputOut]
    outputs: list[RunOutputOut]
    chat: ChatOut


@dataclass(frozen=True, slots=True)
class ChatContract:
    """How a pipeline chats: the input that takes the message, the optional session input, the
    output that holds the answer, the node whose tokens spell it out, and whether it keeps memory."""

    message: str
    session: str | None
    answer: str
    stream_node: str | None
    memory: bool


@dataclass(frozen=True, slots=True)
class NotChat:
    """Why a pipeline cannot chat: a sentence for people and details naming the input, output or node."""

    reason: str
    details: dict[str, Any]


def run_inputs(plan: Plan) -> list[RunInputOut]:
    """The run inputs in document order: name, port type, required (no default and not turned
    off), default, description and the id of the ``input`` node."""
    out: list[RunInputOut] = []
    for node in plan.nodes.values():
        spec = node.spec.run_input(node.config)
        if spec is None:
            continue
        name, port_type, required = spec
        default, description = node.spec.run_input_details(node.config)
        out.append({"name": name, "type": port_type, "required": required, "default": default,
                    "description": description, "node": node.id})
    return out


def run_outputs(plan: Plan) -> list[RunOutputOut]:
    """The run outputs in document order: name and the id of the ``output`` node."""
    out: list[RunOutputOut] = []
    for node in plan.nodes.values():
        name = node.spec.run_output(node.config)
        if name is not None:
            out.append({"name": name, "node": node.id})
    return out


def _preferred(names: list[str], preferred: tuple[str, ...]) -> str | None:
    lowered = {n.lower(): n for n in reversed(names)}  # the first of equal names in document order wins
    return next((lowered[p] for p in preferred if p in lowered), names[0] if names else None)


def _nearest_upstream(plan: Plan, start: str, trait: str) -> str | None:
    """The node nearest ``start`` (breadth first against the edges) whose type has ``trait``."""
    seen, frontier = {start}, [start]
    while frontier:
        nxt: list[str] = []
        for node_id in frontier:
            for e in plan.incoming.get(node_id, []):
                if e.source in seen:
                    continue
                if trait in plan.nodes[e.source].spec.traits:
                    return e.source
                seen.add(e.source)
                nxt.append(e.source)
        frontier = nxt
    return None


def chat_of(plan: Plan) -> ChatContract | NotChat:
    """The chat contract of a valid graph, or why it cannot chat (rules in the module docstring)."""
    inputs = run_inputs(plan)
    texts = [i for i in inputs if i["type"] == "text"]
    session = next((i for i in texts if SESSION_RE.search(i["name"])), None)
    candidates = [i["name"] for i in texts if i is not session]
    message = _preferred(candidates, MESSAGE_NAMES)
    if message is None:
        return NotChat("A chat pipeline needs a text input for the message (name it “message”).",
                       {"inputs": [i["name"] for i in inputs]})
    for i in inputs:
        if i["name"] not in (message, session and session["name"]) and i["required"]:
            return NotChat(f"Input “{i['name']}” needs a default: a chat only sends the message and the session.",
                           {"node": i["node"], "input": i["name"]})
    outputs = run_outputs(plan)
    answer = _preferred([o["name"] for o in outputs], ANSWER_NAMES)
    if answer is None:
        return NotChat("A chat pipeline needs an output for the answer (name it “reply”).",
                       {"outputs": []})
    answer_node = next(o["node"] for o in outputs if o["name"] == answer)
    return ChatContract(message=message, session=session["name"] if session else None, answer=answer,
                        stream_node=_nearest_upstream(plan, answer_node, "streams_text"),
                        memory=any("memory" in n.spec.traits for n in plan.nodes.values()))


def chat_of_graph(graph: Any) -> ChatContract | NotChat:
    """:func:`chat_of` for a graph document; an invalid one cannot chat (details carry its errors)."""
    plan, errors = validate(graph)
    if plan is None:
        return NotChat("The pipeline is not valid: " + (errors[0].message if errors else "unknown error"),
                       {"errors": [e.as_dict() for e in errors[:20]]})
    return chat_of(plan)


def chat_out(chat: ChatContract | NotChat) -> ChatOut:
    if isinstance(chat, NotChat):
        return {"can_chat": False, "reason": chat.reason, "details": chat.details}
    out: ChatOut = {"can_chat": True}
    out.update(asdict(chat))  # type: ignore[typeddict-item]  # the dataclass fields are ChatOut keys
    return out


def interface(plan: Plan) -> InterfaceOut:
    """The published interface of a valid graph: ``{"inputs", "outputs", "chat"}``."""
    return {"inputs": run_inputs(plan), "outputs": run_outputs(plan), "chat": chat_out(chat_of(plan))}


def interface_of(graph: Any) -> InterfaceOut | None:
    """:func:`interface` of a graph document, or None when it is not valid (its errors say why)."""
    plan, _ = validate(graph)
    return interface(plan) if plan is not None else None

