"""``http.request``: call an HTTP API, guarded against SSRF by :mod:`builder.netguard`.

The URL is plain text (never a template) from the ``url`` input or the config; the body is a
Jinja2 template rendered in the sandbox, whose variables become input ports. The host lends the
operator's allow-list as ``ctx.services.http_policy()`` (a host that names none allows public
addresses only).

A header may carry a stored credential: ``auth_credential`` names it by id and ``auth_header`` /
``auth_scheme`` say how it is sent (``Authorization: Bearer <secret>`` by default). The secret is
resolved by the host inside the worker (``ctx.services.http_credential``) and added by
:class:`CredentialTransport` to each request whose URL lies under the credential's base URL
(scheme, host, port and path prefix), so a redirect elsewhere never carries it. It never enters
the config, the inputs, the outputs or an error message. A redirect to another origin drops
every credential header (:data:`builder.netguard.CREDENTIAL_HEADERS` and ``auth_header``). A
literal secret typed into ``headers`` is refused when the graph is validated
(:mod:`builder.secret_values`): it would travel in exports and share links.
"""
from __future__ import annotations

import json
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder import netfetch, netguard
from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import templating, widgets

RESERVED_PORTS = ("url",)


class HttpRequestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] = "GET"
    url: str = Field("", max_length=8000, description="Used when the url input is not connected. Not a template.")
    headers: dict[str, str] = Field(default_factory=dict, max_length=50)
    body: str = Field("", description="Jinja2 template of the request body; every {{ variable }} becomes an input.",
                      json_schema_extra=widgets.textarea())
    timeout_s: float = Field(30.0, gt=0, le=300, allow_inf_nan=False)
    response: Literal["text", "json"] = Field("text", description="Read the response body as text or JSON.")
    fail_on_status: bool = Field(True, description="Fail on 4xx/5xx answers instead of passing them on.")
    auth_credential: str | None = Field(None, max_length=200,
                                        description="A stored credential (provider http) sent in a header, "
                                                    "only to URLs under its base URL.",
                                        json_schema_extra=widgets.credential("http"))
    auth_header: str = Field("Authorization", min_length=1, max_length=100,
                             description="The header that carries the credential.")
    auth_scheme: str = Field("Bearer", max_length=40,
                             description="Written before the secret (\"Bearer\"); empty sends the secret alone.")

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

    @field_validator("auth_header")
    @classmethod
    def _auth_header_name(cls, value: str) -> str:
        value = value.strip()
        if not value or any(c in value for c in " :\r\n\t"):
            raise ValueError("the header name must be one word without spaces or colons")
        if value.lower() in ("host", "content-length", "transfer-encoding", "cookie"):
            raise ValueError(f"the {value} header cannot carry a credential")
        return value

    @field_validator("auth_scheme")
    @classmethod
    def _auth_scheme_word(cls, value: str) -> str:
        value = value.strip()
        if any(c in value for c in "\r\n\t:"):
            raise ValueError("the scheme must be one line without colons")
        return value

    @field_validator("auth_credential")
    @classmethod
    def _credential_id(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("body")
    @classmethod
    def _parses(cls, value: str) -> str:
        templating.variables(value)
        return value


def under_base(url: httpx.URL, host_header: str, base: httpx.URL) -> bool:
    """Whether a request for ``url`` (sent with ``Host: host_header``) lies under ``base``: same
    scheme, host and port, and a path that is the base path or below it."""
    try:
        named = httpx.URL(f"{url.scheme}://{host_header}/")
    except (httpx.InvalidURL, ValueError):
        return False
    host = named.host.lower()
    req_port = named.port or (443 if url.scheme == "https" else 80)
    base_port = base.port or (443 if base.scheme == "https" else 80)
    if (url.scheme, host, req_port) != (base.scheme, base.host.lower(), base_port):
        return False
    prefix = base.path.rstrip("/")
    return not prefix or url.path == prefix or url.path.startswith(prefix + "/")


class CredentialTransport(httpx.AsyncBaseTransport):
    """Adds the credential header to the hops under the credential's base URL, and to no other."""

    def __init__(self, header: str, value: str, base_url: str,
                 inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._header, self._value, self._base = header, value, httpx.URL(base_url)
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._header in request.headers:
            del request.headers[self._header]
        host = request.headers.get("host", request.url.netloc.decode("ascii"))
        if under_base(request.url, host, self._base):
            request.headers[self._header] = self._value
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _credential_transport(ctx: NodeContext, config: HttpRequestConfig, url: str) -> CredentialTransport | None:
    if not config.auth_credential:
        return None
    try:
        secret, base_url = await ctx.services.http_credential(config.auth_credential)
    except LookupError as exc:
        raise NodeError(str(exc), kind="auth", field="auth_credential") from None
    try:
        target = httpx.URL(url)
        allowed = under_base(target, target.netloc.decode("ascii"), httpx.URL(base_url))
    except (httpx.InvalidURL, ValueError):
        allowed = False
    if not allowed:
        raise NodeError(f"the credential may only be sent to URLs under {base_url}", kind="auth", field="url")
    value = f"{config.auth_scheme} {secret}" if config.auth_scheme else secret
    return CredentialTransport(config.auth_header, value, base_url)


def _decode(resp: netfetch.Response, mode: str) -> Any:
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


class HttpRequestNode(Node[HttpRequestConfig]):
    type = "http.request"
    title = "HTTP request"
    category = "Tools"
    description = "Call an HTTP API; private and internal addresses are refused."
    Config = HttpRequestConfig
    outputs = (Port("body", "any", description="Text, or JSON when response is json."),
               Port("status", "json"), Port("headers", "json"))
    dynamic_ports = True

    def input_ports(self, config: HttpRequestConfig) -> list[Port]:
        ports = [Port("url", "text", required=False, description="Overrides the URL in the settings.")]
        return ports + [Port(name, "any") for name in templating.variables(config.body) if name not in RESERVED_PORTS]

    async def run(self, ctx: NodeContext, config: HttpRequestConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        url = inputs.get("url", config.url)
        if not isinstance(url, str) or not url.strip():
            raise NodeError("set a URL or connect the url input", kind="bad_input", field="url")
        url = url.strip()
        content = None
        if config.body:
            content = (await templating.render_async(config.body, inputs)).encode("utf-8")
        transport = await _credential_transport(ctx, config, url)
        headers = config.headers
        if transport is not None:  # the transport alone sets this header, per hop
            headers = {k: v for k, v in headers.items() if k.lower() != config.auth_header.lower()}
        try:
            resp = await netfetch.fetch(config.method, url, headers=headers, content=content,
                                        timeout=config.timeout_s, policy=ctx.services.http_policy(),
                                        transport=transport, credential_headers=(config.auth_header,))
        except netguard.Blocked as exc:
            raise NodeError(exc.reason, kind="blocked", field="url") from None
        except netfetch.FetchError as exc:
            raise NodeError(exc.message, kind=exc.kind, retryable=exc.kind in ("timeout", "connection")) from None
        if config.fail_on_status and resp.status >= 400:
            snippet = resp.body[:300].decode("utf-8", errors="replace")
            raise NodeError(f"HTTP {resp.status} from {resp.url}: {snippet}", kind="http_status",
                            retryable=resp.status in (408, 429) or resp.status >= 500)
        return {"body": _decode(resp, config.response), "status": resp.status, "headers": resp.headers}
