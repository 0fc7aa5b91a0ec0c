"""``http.request``: call an HTTP API, guarded against SSRF by :mod:`builder.netguard`.

The URL is plain text (never a template) from the ``url`` input or the config; the body is a
Jinja2 template rendered in the sandbox, whose variables become input ports. The host lends the
operator's allow-list as ``ctx.services.http_policy()``; without one, only public addresses are
reachable.
"""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder import netguard
from builder.nodes import templating
from builder.nodes.base import Node, NodeContext, NodeError, Port

RESERVED_PORTS = ("url",)


class HttpRequestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] = "GET"
    url: str = Field("", max_length=8000, description="Used when the url input is not connected. Not a template.")
    headers: dict[str, str] = Field(default_factory=dict, max_length=50)
    body: str = Field("", description="Jinja2 template of the request body; every {{ variable }} becomes an input.")
    timeout_s: float = Field(30.0, gt=0, le=300, allow_inf_nan=False)
    response: Literal["text", "json"] = Field("text", description="Read the response body as text or JSON.")
    fail_on_status: bool = Field(True, description="Fail on 4xx/5xx answers instead of passing them on.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError("the URL must start with http:// or https://")
        return value

    @field_validator("headers")
    @classmethod
    def _clean_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, header in value.items():
            if not name or any(c in name for c in " :\r\n\t") or any(c in header for c in "\r\n"):
                raise ValueError(f"header {name!r} has an invalid name or a line break in its value")
            if name.lower() in ("host", "content-length", "transfer-encoding"):
                raise ValueError(f"the {name} header is set by fomo")
        return value

    @field_validator("body")
    @classmethod
    def _parses(cls, value: str) -> str:
        templating.variables(value)
        return value


def _policy(ctx: NodeContext) -> netguard.Policy:
    make = getattr(ctx.services, "http_policy", None)
    return make() if make is not None else netguard.Policy()


def _decode(resp: netguard.Response, mode: str) -> Any:
    charset = "utf-8"
    ctype = resp.headers.get("content-type", "")
    if "charset=" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";", 1)[0].strip().strip('"') or "utf-8"
    try:
        text = resp.body.decode(charset, errors="replace")
    except LookupError:
        text = resp.body.decode("utf-8", errors="replace")
    if mode == "text":
        return text
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NodeError(f"the response is not JSON ({exc.msg} at line {exc.lineno}); choose text",
                        kind="bad_response", field="response") from None


class HttpRequestNode(Node):
    type = "http.request"
    title = "HTTP request"
    category = "Tools"
    description = "Call an HTTP API; private and internal addresses are refused."
    Config = HttpRequestConfig
    outputs = (Port("body", "any", description="Text, or JSON when response is json."),
               Port("status", "json"), Port("headers", "json"))
    dynamic_ports = True

    def input_ports(self, config: Any) -> list[Port]:
        ports = [Port("url", "text", required=False, description="Overrides the URL in the settings.")]
        return ports + [Port(name, "any") for name in templating.variables(config.body) if name not in RESERVED_PORTS]

    async def run(self, ctx: NodeContext, config: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        url = inputs.get("url", config.url)
        if not isinstance(url, str) or not url.strip():
            raise NodeError("set a URL or connect the url input", kind="bad_input", field="url")
        content = None
        if config.body:
            content = templating.render(config.body, inputs).encode("utf-8")
        try:
            resp = await netguard.fetch(config.method, url.strip(), headers=config.headers, content=content,
                                        timeout=config.timeout_s, policy=_policy(ctx))
        except netguard.Blocked as exc:
            raise NodeError(exc.reason, kind="blocked", field="url") from None
        except netguard.FetchError as exc:
            raise NodeError(exc.message, kind=exc.kind, retryable=exc.kind in ("timeout", "connection")) from None
        if config.fail_on_status and resp.status >= 400:
            snippet = resp.body[:300].decode("utf-8", errors="replace")
            raise NodeError(f"HTTP {resp.status} from {resp.url}: {snippet}", kind="http_status",
                            retryable=resp.status in (408, 429) or resp.status >= 500)
        return {"body": _decode(resp, config.response), "status": resp.status, "headers": resp.headers}
