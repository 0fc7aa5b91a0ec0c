"""Schema hints for the settings form: what a config field *is*, published in the node's config
JSON schema (``json_schema_extra``) so the canvas never guesses from node type or field names.

``x-widget`` is one of:

- ``provider``: a model provider's name; ``x-providers`` says which kind (``chat`` or
  ``embeddings``) the field accepts, so the form offers only those providers.
- ``model``: a model name; ``x-models`` (``chat`` or ``embeddings``) says whose model list to
  suggest, for the provider the form's ``provider`` widget holds. Any other name may be typed.
- ``credential``: the id of a stored credential. ``x-credential-provider`` names the one provider
  whose credentials fit (``http`` for ``http.request``); without it, the credentials of the
  provider chosen in the same form's ``provider`` widget fit (every model provider's, never
  ``http``, while none is chosen).
- ``template``: a Jinja2 template whose variables become input ports.
- ``textarea``: long or multi-line text.

Use the helpers as ``Field(..., json_schema_extra=widgets.credential())``.
"""
from __future__ import annotations

from typing import Literal

from pydantic.json_schema import JsonDict

ModelKind = Literal["chat", "embeddings"]


def provider(kind: ModelKind) -> JsonDict:
    return {"x-widget": "provider", "x-providers": kind}


def model(kind: ModelKind) -> JsonDict:
    return {"x-widget": "model", "x-models": kind}


def credential(of_provider: str | None = None) -> JsonDict:
    """A credential picker: of ``of_provider`` only, or of the provider chosen in the same form."""
    hint: JsonDict = {"x-widget": "credential"}
    if of_provider is not None:
        hint["x-credential-provider"] = of_provider
    return hint


def template() -> JsonDict:
    return {"x-widget": "template"}


def textarea() -> JsonDict:
    return {"x-widget": "textarea"}
