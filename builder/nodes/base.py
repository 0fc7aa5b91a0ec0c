"""The node spec: one declaration drives the palette, the settings form, validation and execution.

A node type is one subclass of :class:`Node` (generic over its config model) in its own module
plus one line in ``builder/nodes/catalog.py``. What a node may ask of its host is declared in
:mod:`builder.nodes.services`. Plain Python: no Django imports here or in any node module.
"""
from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from builder.nodes.services import Services

# ---------------------------------------------------------------- port types

BASE_TYPES: frozenset[str] = frozenset({"text", "messages", "document", "json", "embedding", "any"})


def list_of(item: str) -> str:
    return f"list[{item}]"


def is_list(port_type: str) -> bool:
    return port_type.startswith("list[") and port_type.endswith("]")


def item_type(port_type: str) -> str:
    """The element type of ``list[x]``; ``any`` for ``any`` (a map over ``any`` maps items of anything)."""
    if is_list(port_type):
        return port_type[5:-1]
    if port_type == "any":
        return "any"
    raise ValueError(f"{port_type} is not a list type")


def is_valid_type(port_type: str) -> bool:
    if is_list(port_type):
        return is_valid_type(item_type(port_type))
    return port_type in BASE_TYPES


def compatible(source: str, target: str) -> bool:
    """Can a value of type ``source`` flow into a port of type ``target``?

    Equal types match, ``any`` accepts everything (and ``list[any]`` every list), and a
    source of ``any`` is trusted (checked at run time by the node that reads it).
    """
    if target == "any" or source == "any" or source == target:
        return True
    if is_list(source) and is_list(target):
        return compatible(item_type(source), item_type(target))
    return False


# ---------------------------------------------------------------- ports and errors


@dataclass(frozen=True, slots=True)
class Port:
    """A typed input or output port.

    ``many`` input ports accept several edges; the node receives a list with one entry per
    edge, in edge order, where a ``list`` source is flattened into it (used by ``text.join``).
    An input that is not ``required`` may be left unconnected; it is then absent from
    ``inputs``.
    """

    name: str
    type: str
    required: bool = True
    many: bool = False
    description: str = ""

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "many": self.many,
            "description": self.description,
        }


class NodeError(Exception):
    """A node failed in a way that it can name.

    ``kind`` is a short machine word the canvas and the API show as is. The usual ones:
    ``bad_input`` (an input port's value), ``config`` (a setting that only fails at run time),
    ``template`` (a user template broke a limit or raised), ``auth``, ``rate_limit``, ``timeout``,
    ``connection``, ``server``, ``provider`` (a provider call, kinds of
    :class:`~builder.providers.base.ProviderError`), ``blocked`` (the network guard refused an
    address), ``http_status``, ``not_found``, ``invalid_output`` (an answer that does not match
    its schema) and ``internal`` (a defect, or a capability the host lacks). ``retryable`` tells
    the engine whether the node's retry policy applies; ``field`` names the config field or input
    port at fault, when there is one.
    """

    def __init__(self, message: str, *, kind: str = "error", retryable: bool = False, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.retryable = retryable
        self.field = field


class EmptyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- run-time context


class NodeContext(Protocol):
    """What a running node can see and do. The engine implements it."""

    run_id: str
    node_id: str
    item: int | None  # index of the map item, or None when the node is not mapped
    attempt: int  # 1-based
    run_inputs: Mapping[str, Any]  # the run's inputs, by input-node name
    services: Services  # the host's capabilities; builder.nodes.services

    def token(self, text: str) -> None:
        """Stream a delta of generated text (batched into ``node.token`` events)."""

    def void_tokens(self) -> None:
        """Discard the tokens streamed so far in this attempt (a provider-level retry
        restarts the stream); watchers get a ``node.token`` event with ``void: true``."""

    def usage(
        self,
        *,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        cost: float | None,
    ) -> None:
        """Record token usage and cost (``None`` = unknown price) of one provider call."""


# ---------------------------------------------------------------- the node class


C = TypeVar("C", bound=BaseModel)


class Node(Generic[C]):
    """Base class of every node type, generic over its config model: ``class LlmChatNode(Node[LlmChatConfig])``
    with ``Config = LlmChatConfig``, so ``run`` and the port methods receive that model, typed.
    Subclasses declare, the engine executes.

    Class attributes:
      ``type``       stable id such as ``llm.chat``;
      ``version``    bumped when config or ports change incompatibly;
      ``title``, ``category``, ``description`` for the palette;
      ``Config``     the pydantic model (``extra="forbid"``) validated from the graph document;
                     its fields may carry ``x-widget`` hints for the settings form
                     (:mod:`builder.nodes.support.widgets`);
      ``inputs`` / ``outputs``  the static ports; override :meth:`input_ports` /
                     :meth:`output_ports` when ports depend on config (template variables,
                     router branches);
      ``partial_inputs``  run even when some inputs are missing because their upstream was
                     skipped (``merge``); otherwise a missing required input skips the node;
      ``traits``     what clients may rely on beyond the ports (:data:`TRAITS`).
    """

    type: ClassVar[str]
    version: ClassVar[int] = 1
    title: ClassVar[str]
    category: ClassVar[str]
    description: ClassVar[str] = ""
    Config: builtins.type[C] = cast("builtins.type[C]", EmptyConfig)  # a node without settings keeps EmptyConfig
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs: ClassVar[tuple[Port, ...]] = ()
    partial_inputs: ClassVar[bool] = False
    dynamic_ports: ClassVar[bool] = False  # the canvas re-derives ports from config as you type
    traits: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = cls.traits - TRAITS.keys()
        if unknown:
            raise TypeError(f"{cls.__name__}: unknown traits {sorted(unknown)}; known: {sorted(TRAITS)}")

    def input_ports(self, config: C) -> list[Port]:
        return list(self.inputs)

    def output_ports(self, config: C) -> list[Port]:
        return list(self.outputs)

    def run_output(self, config: C) -> str | None:
        """The name of the run output this node fills (``output`` nodes), else None."""
        return None

    def run_input(self, config: C) -> tuple[str, str, bool] | None:
        """(name, type, required) of the run input this node reads (``input`` nodes), else None."""
        return None

    def run_input_details(self, config: C) -> tuple[Any, str]:
        """(default, description) of the run input this node reads, published in the pipeline's
        interface (builder/interface.py); ``(None, "")`` for nodes that read none."""
        return None, ""

    def parse_config(self, raw: Mapping[str, Any] | None) -> C:
        return self.Config.model_validate(dict(raw or {}))

    async def run(self, ctx: NodeContext, config: C, inputs: dict[str, Any]) -> dict[str, Any]:
        """Compute outputs keyed by output port name.

        A port left out of the result is *not produced*: nodes wired to it are skipped
        (this is how a router chooses a branch). Raise :class:`NodeError` for failures.
        """
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """The catalog entry served by ``GET /api/node-types``."""
        default_config = self.Config() if _all_defaulted(self.Config) else None
        return {
            "type": self.type,
            "version": self.version,
            "title": self.title,
            "category": self.category,
            "description": self.description,
            "config_schema": self.Config.model_json_schema(),
            "inputs": [p.describe() for p in (self.input_ports(default_config) if default_config else self.inputs)],
            "outputs": [p.describe() for p in (self.output_ports(default_config) if default_config else self.outputs)],
            "partial_inputs": self.partial_inputs,
            "dynamic_ports": self.dynamic_ports,
            "traits": sorted(self.traits),
        }


#: What a node type may promise clients beyond its ports, published in ``traits``.
TRAITS: dict[str, str] = {
    "streams_text": "its node.token events spell out its `text` output as it is generated",
    "memory": "it reads or writes the conversation memory of the run's session",
}


def _all_defaulted(model: type[BaseModel]) -> bool:
    return all(not f.is_required() for f in model.model_fields.values())


# ---------------------------------------------------------------- the registry


class Registry:
    """Node types by (type, version). Unknown types and duplicate registrations raise."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int], Node[Any]] = {}
        self._latest: dict[str, int] = {}

    def register(self, cls: type[Node[Any]]) -> type[Node[Any]]:
        key = (cls.type, cls.version)
        if key in self._by_key:
            raise ValueError(f"node type {cls.type} v{cls.version} is registered twice")
        self._by_key[key] = cls()
        self._latest[cls.type] = max(cls.version, self._latest.get(cls.type, 0))
        return cls

    def get(self, type_id: str, version: int | None = None) -> Node[Any]:
        if type_id not in self._latest:
            raise KeyError(f"unknown node type {type_id!r}")
        key = (type_id, version if version is not None else self._latest[type_id])
        if key not in self._by_key:
            raise KeyError(f"unknown version {key[1]} of node type {type_id!r}")
        return self._by_key[key]

    def has(self, type_id: str, version: int | None = None) -> bool:
        try:
            self.get(type_id, version)
        except KeyError:
            return False
        return True

    def latest(self) -> list[Node[Any]]:
        return [self._by_key[(t, v)] for t, v in sorted(self._latest.items())]

    def describe(self) -> list[dict[str, Any]]:
        return [node.describe() for node in self.latest()]
