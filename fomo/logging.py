"""Log lines as JSON or text (``FOMO_LOG_FORMAT=json|text``), with the run and node they belong
to and without secrets.

:class:`ContextFilter` puts ``run_id``/``node_id`` (from :mod:`fomo.logctx`) on every record;
:class:`RedactSecrets` rewrites the message, its arguments and the traceback so that API keys
(``sk-…``, fomo tokens, Fernet tokens of stored credentials), ``Authorization`` headers,
``key=value`` pairs naming a secret, and the literal values of the secret environment variables
never reach a log line. Both are attached to the handlers in ``settings.LOGGING``, so records of
every logger (Django, Celery, httpx, the SDKs) pass through them.
"""
from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime
from typing import Any

from fomo import logctx

REDACTED = "[redacted]"
SECRET_ENV = ("OPENAI_API_KEY", "CO_API_KEY", "COHERE_API_KEY", "ANTHROPIC_API_KEY", "SECRET_KEY",
              "FOMO_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL")
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer …, 'authorization': 'Basic …', x-api-key: …
    (re.compile(r"""(?i)((?:proxy-)?authorization|x-api-key|api-key)(["']?\s*[:=]\s*["']?)"""
                r"""(?:(?:bearer|basic|token)\s+)?[^\s"',;}]+"""), r"\1\2" + REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    # key=value / "key": "value" where the key names a secret
    (re.compile(r"""(?i)\b([\w-]*(?:api[_-]?key|secret|password|passwd|token|credential)s?)"""
                r"""(["']?\s*[:=]\s*["']?)(?!\[redacted\])(?!\d+\b)[^\s"',;}&]{6,}"""), r"\1\2" + REDACTED),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), REDACTED),  # OpenAI, Anthropic (sk-ant-…)
    (re.compile(r"\bfomo_[a-z0-9]{6,}_[A-Za-z0-9_-]{8,}"), REDACTED),  # fomo API tokens
    (re.compile(r"\bgAAAAA[A-Za-z0-9_=-]{20,}"), REDACTED),  # Fernet tokens (encrypted secrets)
    (re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+@"), r"\1" + REDACTED + "@"),  # passwords in URLs
]


def _secret_values() -> list[str]:
    values = []
    for name in SECRET_ENV:
        raw = os.environ.get(name, "")
        for part in raw.split(","):
            part = part.strip()
            if len(part) >= 8 and "://" not in part:
                values.append(part)
    return sorted(set(values), key=len, reverse=True)


def redact(text: str) -> str:
    for value in _secret_values():
        if value in text:
            text = text.replace(value, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and traceback with secrets replaced by ``[redacted]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None  # formatters use the redacted exc_text, not a fresh traceback
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Adds ``run_id``, ``node_id``, ``item`` and a ready-made ``context`` (" [run 5 node llm1]")."""

    def filter(self, record: logging.LogRecord) -> bool:
        run = getattr(record, "run_id", None) or logctx.run_id.get()
        node = getattr(record, "node_id", None) or logctx.node_id.get()
        item = logctx.item.get() if node == logctx.node_id.get() else None
        parts = []
        if run:
            parts.append(f"run {run}")
        if node:
            parts.append(f"node {node}" + (f"[{item}]" if item is not None else ""))
        record.__dict__.update(run_id=run, node_id=node, item=item,
                               context=f" [{' '.join(parts)}]" if parts else "")
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "context"):
            ContextFilter().filter(record)
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, run_id, node_id (+ item, exc)."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "context"):
            ContextFilter().filter(record)
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "run_id": getattr(record, "run_id", None),
            "node_id": getattr(record, "node_id", None),
            "pid": record.process,
        }
        if getattr(record, "item", None) is not None:
            line["item"] = record.__dict__["item"]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return redact(json.dumps(line, ensure_ascii=False, default=str))


def config(fmt: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dict for ``settings``: every record goes through both filters."""
    formatter = "json" if fmt.strip().lower() == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "fomo.logging.ContextFilter"},
                    "redact": {"()": "fomo.logging.RedactSecrets"}},
        "formatters": {"text": {"()": "fomo.logging.TextFormatter"},
                       "json": {"()": "fomo.logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": formatter,
                                 "filters": ["context", "redact"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.channels.server": {"level": "WARNING"}, "daphne": {"level": "WARNING"}},
    }
