"""Regular expressions typed by users, matched with a time limit.

Python's ``re`` cannot be interrupted, so a pattern with catastrophic backtracking
(``(a|aa)+$`` against a long line) would hold a worker thread for minutes. The ``regex``
package takes a ``timeout`` on every match call; patterns are compiled by it once, at
config validation, and every match goes through the helpers below with a budget.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import regex

MATCH_TIMEOUT_S = 0.5   # per call; a pipeline step is never held longer by one pattern
MAX_PATTERN_CHARS = 2000

IGNORECASE = regex.IGNORECASE
Pattern = Any  # regex.Pattern, untyped upstream


class RegexTimeout(Exception):
    """A pattern took longer than its budget on the given text."""

    def __init__(self, pattern: str):
        super().__init__(f"the regular expression {pattern[:80]!r} took longer than "
                         f"{MATCH_TIMEOUT_S:g} s on this text (catastrophic backtracking?)")
        self.pattern = pattern


def check(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used, or None."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"is longer than {MAX_PATTERN_CHARS} characters"
    try:
        regex.compile(pattern)
    except (regex.error, RecursionError, OverflowError, ValueError) as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def compile(pattern: str, flags: int = 0) -> Pattern:  # noqa: A001 - mirrors re.compile
    return regex.compile(pattern, flags)


def escape(text: str) -> str:
    return regex.escape(text)


def search(pattern: Pattern, text: str) -> Any:
    try:
        return pattern.search(text, timeout=MATCH_TIMEOUT_S)
    except TimeoutError:
        raise RegexTimeout(pattern.pattern) from None


def finditer(pattern: Pattern, text: str) -> Iterator[Any]:
    try:
        yield from pattern.finditer(text, timeout=MATCH_TIMEOUT_S)
    except TimeoutError:
        raise RegexTimeout(pattern.pattern) from None


def sub(pattern: Pattern, repl: Callable[[Any], str], text: str) -> str:
    try:
        return pattern.sub(repl, text, timeout=MATCH_TIMEOUT_S)
    except TimeoutError:
        raise RegexTimeout(pattern.pattern) from None
