"""Domain errors and their one mapping to HTTP. Views raise; this module answers."""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class InvalidGraph(DomainError):
    code = "invalid_graph"


class InvalidInputs(DomainError):
    code = "invalid_inputs"


class InvalidJSON(DomainError):
    """A body that parses as JSON but that fomo cannot keep (see :mod:`fomo.jsonsafe`)."""

    code = "invalid_json"

    @classmethod
    def from_unsafe(cls, exc: Any) -> InvalidJSON:
        details = {"field": exc.field, "reason": exc.code}
        if exc.limit is not None:
            details["limit"] = exc.limit
        return cls(exc.message, details=details, code="too_deep" if exc.code == "too_deep" else None)


class TooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


class StaleRevision(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "stale_revision"


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class Forbidden(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "forbidden"


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", "Not found."), status=404)
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body("invalid", _first_message(exc.detail), exc.detail), status=400)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        code = exc.default_code if isinstance(exc.default_code, str) else "error"
        return Response(error_body(code, str(exc.detail)), status=exc.status_code, headers=headers)
    if isinstance(exc, SuspiciousOperation):
        return _suspicious(exc)
    if isinstance(exc, DataError):  # SQLSTATE class 22: a value from the request the database refuses
        log.warning("refused a value the database cannot take in %s: %s", context.get("view"), type(exc).__name__)
        return Response(error_body("invalid_value", "A value in the request cannot be stored or compared by the "
                                   "database (a NUL character, or a number out of range)."), status=400)
    log.exception("unhandled error in %s", context.get("view"))
    return Response(error_body("server_error", "Something went wrong on our side."), status=500)


def _suspicious(exc: SuspiciousOperation) -> Response:
    """Django's refusals of a request it will not read: the body limits, by the setting's name."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(error_body("too_large", f"The request body is larger than {limit:,} bytes, the limit "
                                   "(DATA_UPLOAD_MAX_MEMORY_SIZE).", {"limit": limit}), status=413)
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return Response(error_body("too_many_fields", f"The request has more than {limit:,} fields, the limit "
                                   "(DATA_UPLOAD_MAX_NUMBER_FIELDS).", {"limit": limit}), status=413)
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return Response(error_body("too_many_files", f"The request has more than {limit:,} files, the limit "
                                   "(DATA_UPLOAD_MAX_NUMBER_FILES).", {"limit": limit}), status=413)
    log.warning("refused a suspicious request: %s", type(exc).__name__)
    return Response(error_body("bad_request", "The request was refused as malformed."), status=400)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            return f"{key}: {_first_message(value)}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)
