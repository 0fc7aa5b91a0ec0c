"""Does a header value typed into a pipeline look like a secret?

A pipeline document travels: exports, share links, versions, templates. A key typed straight
into a request header travels with it; a stored credential (``auth_credential``) does not. The
rule, for a header ``name: value`` with a non-empty value:

* a header whose name says it carries credentials (``Authorization``, ``Proxy-Authorization``,
  ``Cookie``, ``X-Api-Key``, ``X-Auth-Token``, or any name with a word such as ``token``,
  ``secret``, ``password``, ``auth``, ``session``, ``api-key``) is a secret whatever its value;
* any header whose value is an auth scheme and a token (``Bearer …``, ``Basic …``, ``Token …``),
  a JSON web token, or a key with a well-known prefix (``sk-``, ``ghp_``, ``xoxb-``, ``AKIA…``,
  ``AIza…``, ``glpat-``, ``hf_``, ...) is one too.

It is a heuristic: an opaque random key in an innocently named header (``X-Tenant: 8f3a…``)
passes. Plain Python; no Django.
"""
from __future__ import annotations

import re

CREDENTIAL_HEADER_NAMES = frozenset({
    "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey", "x-apikey",
    "x-auth-token", "x-access-token", "x-token", "private-token", "x-goog-api-key", "ocp-apim-subscription-key",
    "x-functions-key", "x-csrf-token", "x-xsrf-token", "x-amz-security-token",
})
_NAME_WORDS = frozenset({"token", "secret", "password", "passwd", "auth", "authorization", "session", "cookie",
                         "apikey", "credential", "credentials"})
_NAME_PAIRS = (("api", "key"), ("access", "key"), ("subscription", "key"), ("private", "key"))

_SCHEME = re.compile(r"^\s*(bearer|basic|token|digest|negotiate|apikey|api-key|key)\s+\S{6,}", re.IGNORECASE)
_KEY_SHAPES = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:sk|pk|rk)[-_](?:live_|test_|proj-|ant-|svcacct-)?[A-Za-z0-9_\-]{16,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w\-]{20,}"
    r"|xox[abprs]-[\w\-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[\w\-]{30,}|hf_[A-Za-z0-9]{20,}"
    r"|ya29\.[\w\-]{20,}|npm_[A-Za-z0-9]{30,}|pypi-[\w\-]{30,}|SG\.[\w\-]{16,}\.[\w\-]{16,}"
    r"|eyJ[\w\-]{4,}\.eyJ[\w\-]{4,}\.[\w\-]{4,}"
    r")")


def credential_header(name: str) -> bool:
    """Whether a header called ``name`` is one that carries credentials."""
    low = name.strip().lower()
    if low in CREDENTIAL_HEADER_NAMES:
        return True
    words = set(re.split(r"[-_.]+", low))
    return bool(words & _NAME_WORDS) or any(a in words and b in words for a, b in _NAME_PAIRS)


def why_secret(name: str, value: str) -> str | None:
    """Why the header ``name: value`` looks like it carries a secret, or None. Never repeats the value."""
    if not value.strip():
        return None
    if credential_header(name):
        return f"{name} is a credential header"
    if _SCHEME.match(value):
        return "its value is an auth scheme and a token"
    if _KEY_SHAPES.search(value):
        return "its value has the shape of an API key or token"
    return None
