"""Query parameters. Two rules, each kept where the API already promised it: list endpoints clamp
(a limit out of range is brought in range, a malformed one is the default), look-ups that name a
value refuse a bad one with a 400 naming the parameter."""
from __future__ import annotations

from rest_framework.request import Request

from fomo.errors import DomainError


def clamped_int(raw: str | None, default: int, low: int, high: int) -> int:
    """``raw`` as an integer brought into ``[low, high]``; ``default`` when absent or malformed."""
    if raw is None:
        return default
    try:
        return max(low, min(high, int(raw)))
    except ValueError:
        return default


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """The query parameter ``name`` as an integer in ``[low, high]`` (``default`` when absent); a
    400 ``invalid`` naming it when it is not an integer or out of range."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise DomainError(f"{name} must be an integer", code="invalid") from None
    if not low <= value <= high:
        raise DomainError(f"{name} must be between {low} and {high}", code="invalid")
    return value
