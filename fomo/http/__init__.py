"""The HTTP kit: what every app's views share, and nothing about any app.

* :mod:`fomo.http.bodies`: strict request bodies (:class:`StrictSerializer`, :func:`body`).
* :mod:`fomo.http.params`: query parameters (a lenient clamped integer, a strict one).
* :mod:`fomo.http.sse`: server-sent event streams (content negotiation, frames, the response).

Domain errors and their one mapping to HTTP are :mod:`fomo.errors` (DRF's exception handler);
JSON bodies are parsed by :mod:`fomo.parsers` with the limits of :mod:`fomo.jsonsafe`. The kit
imports no app (``builder``, ``runs``, ``teams``, ``experiments``): an import-linter contract in
pyproject.toml says so.
"""
from __future__ import annotations

from fomo.http.bodies import StrictSerializer, body
from fomo.http.params import clamped_int, query_int

__all__ = ["StrictSerializer", "body", "clamped_int", "query_int"]
