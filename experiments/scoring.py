"""Scorers: how well one output matches a row's expected output, as a number in 0..1.

Plain Python, no Django. Each scorer is declared once in :data:`SCORERS` (its checks and its
function); ``check_scorers`` validates a list of scorer configs before an experiment starts and
``score_all`` scores one output against them. A scorer that cannot say (no expected output, the
judge's reply has no number) gives ``None`` and a reason, never an exception.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from builder.nodes.support import safe_regex

MAX_RUBRIC_CHARS = 20_000
MAX_SCORED_CHARS = 100_000
DEFAULT_RUBRIC = (
    "You grade an answer against the expected answer.\n"
    "Question / input: {{ input }}\nAnswer: {{ output }}\nExpected: {{ expected }}\n"
    "Reply with one number between 0 (wrong) and 1 (fully correct), nothing else."
)


@dataclass
class ScoreResult:
    score: float | None
    error: str | None = None
    usage: dict[str, int] = field(default_factory=dict)  # judge tokens (prompt_tokens, completion_tokens)
    cost: float | None = None


@dataclass
class ScoreContext:
    """What the async scorers may use: ``await chat(provider, credential) -> client`` and
    ``await embedder(provider, credential) -> client`` (the worker's RunServices, which resolves
    credentials off the event loop), and a price lookup."""

    chat: Callable[[str, str | None], Awaitable[Any]] | None = None
    embedder: Callable[[str, str | None], Awaitable[Any]] | None = None
    cost: Callable[[str, int, int], float | None] | None = None


class ScorerError(ValueError):
    def __init__(self, index: int, field_: str, message: str):
        super().__init__(message)
        self.index, self.field, self.message = index, field_, message


# ------------------------------------------------------------------ checks


_KINDS = ("exact", "contains", "regex", "json_field", "similarity", "judge")
_ALLOWED_KEYS: dict[str, set[str]] = {
    "exact": {"kind", "case_sensitive"},
    "contains": {"kind", "case_sensitive"},
    "regex": {"kind", "pattern", "case_sensitive"},
    "json_field": {"kind", "path"},
    "similarity": {"kind", "provider", "model", "credential"},
    "judge": {"kind", "provider", "model", "credential", "rubric"},
}


def check_scorers(raw: Any, known_providers: dict[str, tuple[bool, bool]] | None = None) -> list[dict[str, Any]]:
    """Normalized scorer configs, or :class:`ScorerError` naming the scorer's index and field.

    ``known_providers`` maps a provider name to (has chat, has embeddings)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScorerError(0, "scorers", "scorers must be a list")
    if len(raw) > 20:
        raise ScorerError(20, "scorers", "at most 20 scorers")
    out = []
    for i, s in enumerate(raw):
        if not isinstance(s, dict) or s.get("kind") not in _KINDS:
            raise ScorerError(i, "kind", f"kind must be one of {', '.join(_KINDS)}")
        kind = s["kind"]
        extra = sorted(set(s) - _ALLOWED_KEYS[kind])
        if extra:
            raise ScorerError(i, extra[0], f"unknown field for a {kind} scorer")
        c = dict(s)
        if "case_sensitive" in c and not isinstance(c["case_sensitive"], bool):
            raise ScorerError(i, "case_sensitive", "must be true or false")
        if kind == "regex":
            pattern = c.get("pattern")
            if not isinstance(pattern, str) or not pattern:
                raise ScorerError(i, "pattern", "give a pattern")
            problem = safe_regex.check(pattern)
            if problem:
                raise ScorerError(i, "pattern", f"the pattern {problem}")
        if kind == "json_field":
            path = c.get("path")
            if not isinstance(path, str) or not path.strip() or len(path) > 500:
                raise ScorerError(i, "path", "give a field path such as answer or result.items.0")
        if kind in ("similarity", "judge"):
            c.setdefault("provider", "fake" if kind == "judge" else "local")
            c.setdefault("model", "fake-small" if c["provider"] == "fake" and kind == "judge"
                         else "fake-embed" if c["provider"] == "fake" else "all-minilm-l6-v2")
            if not isinstance(c["provider"], str) or not isinstance(c["model"], str) or not c["model"]:
                raise ScorerError(i, "model", "provider and model must be text")
            if known_providers is not None:
                caps = known_providers.get(c["provider"])
                if caps is None or not caps[0 if kind == "judge" else 1]:
                    what = "chat" if kind == "judge" else "embeddings"
                    raise ScorerError(i, "provider", f"{c['provider']!r} is not a provider with {what}")
            cred = c.get("credential")
            if cred is not None and not isinstance(cred, (str, int)):
                raise ScorerError(i, "credential", "a credential id")
            if cred is not None:
                c["credential"] = str(cred)
        if kind == "judge":
            rubric = c.get("rubric") or DEFAULT_RUBRIC
            if not isinstance(rubric, str) or len(rubric) > MAX_RUBRIC_CHARS:
                raise ScorerError(i, "rubric", f"the rubric must be text of at most {MAX_RUBRIC_CHARS:,} characters")
            from builder.nodes.base import NodeError
            from builder.nodes.support.templating import parse

            try:
                parse(rubric)
            except (NodeError, ValueError) as exc:
                raise ScorerError(i, "rubric", f"the rubric is not a valid template: {exc}") from None
            c["rubric"] = rubric
        out.append(c)
    return out


def scorer_keys(scorers: list[dict[str, Any]]) -> list[str]:
    """``kind``, or ``kind:n`` (n counting from 1) when a kind repeats."""
    counts: dict[str, int] = {}
    for s in scorers:
        counts[s["kind"]] = counts.get(s["kind"], 0) + 1
    seen: dict[str, int] = {}
    keys = []
    for s in scorers:
        k = s["kind"]
        seen[k] = seen.get(k, 0) + 1
        keys.append(k if counts[k] == 1 else f"{k}:{seen[k]}")
    return keys


# ------------------------------------------------------------------ the scorers


def _fold(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def exact(output: str, expected: str | None, cfg: dict[str, Any]) -> ScoreResult:
    if expected is None:
        return ScoreResult(None, "the row has no expected output")
    cs = bool(cfg.get("case_sensitive", False))
    return ScoreResult(1.0 if _fold(output, cs) == _fold(expected, cs) else 0.0)


def contains(output: str, expected: str | None, cfg: dict[str, Any]) -> ScoreResult:
    if expected is None:
        return ScoreResult(None, "the row has no expected output")
    cs = bool(cfg.get("case_sensitive", False))
    return ScoreResult(1.0 if _fold(expected, cs) in _fold(output, cs) else 0.0)


def regex_match(output: str, expected: str | None, cfg: dict[str, Any]) -> ScoreResult:
    flags = 0 if cfg.get("case_sensitive", True) else safe_regex.IGNORECASE
    try:
        found = safe_regex.search(safe_regex.compile(cfg["pattern"], flags), output[:MAX_SCORED_CHARS])
    except safe_regex.RegexTimeout as exc:
        return ScoreResult(None, str(exc))
    return ScoreResult(1.0 if found is not None else 0.0)


_MISSING = object()


def _walk(value: Any, path: str) -> Any:
    for part in [p for p in re.split(r"[.\[\]]+", path) if p]:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _loose_json(text: str) -> Any:
    """JSON from a model's answer: the whole text, else the first {...} or [...] block in it."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    m = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if m:
        try:
            return json.loads(m.group(1))
        except ValueError:
            pass
    start = min([i for i in (text.find("{"), text.find("[")) if i >= 0], default=-1)
    if start >= 0:
        try:
            return json.JSONDecoder().raw_decode(text[start:])[0]
        except ValueError:
            pass
    return _MISSING


def json_field(output: str, expected: str | None, cfg: dict[str, Any]) -> ScoreResult:
    if expected is None:
        return ScoreResult(None, "the row has no expected output")
    doc = _loose_json(output[:MAX_SCORED_CHARS])
    if doc is _MISSING:
        return ScoreResult(0.0, "the output is not JSON")
    value = _walk(doc, cfg["path"])
    if value is _MISSING:
        return ScoreResult(0.0, f"the output has no field {cfg['path']!r}")
    try:
        want = json.loads(expected)
    except ValueError:
        want = expected
    if value == want:
        return ScoreResult(1.0)
    as_text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return ScoreResult(1.0 if as_text.strip() == expected.strip() else 0.0)


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    if na == 0 or nb == 0:
        return 0.0
    return max(0.0, min(1.0, dot / (na * nb)))


async def similarity(output: str, expected: str | None, cfg: dict[str, Any], ctx: ScoreContext) -> ScoreResult:
    if expected is None:
        return ScoreResult(None, "the row has no expected output")
    if ctx.embedder is None:
        return ScoreResult(None, "no embedder available")
    try:
        client = await ctx.embedder(cfg["provider"], cfg.get("credential"))
        result = await client.embed([output[:MAX_SCORED_CHARS], expected[:MAX_SCORED_CHARS]], model=cfg["model"])
    except Exception as exc:  # noqa: BLE001 - a provider failure is this scorer's result, not a crash
        return ScoreResult(None, f"embedding failed: {type(exc).__name__}: {str(exc)[:200]}")
    return ScoreResult(round(cosine(result.vectors[0], result.vectors[1]), 6))


_NUMBER = re.compile(r"(?<![\w.\-])(\d+(?:\.\d+)?)(?:\s*(/)\s*(\d+(?:\.\d+)?))?(?![\w.])")


def parse_grade(text: str) -> float | None:
    """The first number in a judge's reply, as 0..1: ``0.8``, ``8/10``, ``80%`` or ``4 / 5``;
    a bare number above 1 is read on a 10- or 100-point scale."""
    m = _NUMBER.search(text)
    if not m:
        return None
    value = float(m.group(1))
    if m.group(2):
        denominator = float(m.group(3))
        return max(0.0, min(1.0, value / denominator)) if denominator > 0 else None
    if text[m.end():m.end() + 1] == "%" or value > 10:
        value /= 100
    elif value > 1:
        value /= 10
    return max(0.0, min(1.0, value))


async def judge(output: str, expected: str | None, cfg: dict[str, Any], ctx: ScoreContext,
                inputs: dict[str, Any]) -> ScoreResult:
    from builder.nodes.base import NodeError
    from builder.nodes.support.templating import render_async
    from builder.providers.base import ChatParams

    if ctx.chat is None:
        return ScoreResult(None, "no chat provider available")
    shown_input = inputs[next(iter(inputs))] if len(inputs) == 1 else json.dumps(inputs, ensure_ascii=False)
    try:
        prompt = await render_async(cfg["rubric"], {"input": shown_input, "inputs": inputs, "output": output,
                                              "expected": expected if expected is not None else ""})
    except NodeError as exc:
        return ScoreResult(None, f"the rubric cannot be rendered: {exc}")
    try:
        client = await ctx.chat(cfg["provider"], cfg.get("credential"))
        result = await client.complete([{"role": "user", "content": prompt}],
                                       ChatParams(model=cfg["model"], temperature=0.0, max_tokens=50))
    except Exception as exc:  # noqa: BLE001 - a provider failure is this scorer's result, not a crash
        return ScoreResult(None, f"the judge failed: {type(exc).__name__}: {str(exc)[:200]}")
    usage = {"prompt_tokens": int(result.usage.prompt_tokens or 0),
             "completion_tokens": int(result.usage.completion_tokens or 0)}
    cost = ctx.cost(result.model or cfg["model"], usage["prompt_tokens"], usage["completion_tokens"]) \
        if ctx.cost else None
    grade = parse_grade(result.text or "")
    return ScoreResult(grade, None if grade is not None else f"the judge's reply has no grade: {result.text[:100]!r}",
                       usage=usage, cost=cost)


SyncScorer = Callable[[str, str | None, dict[str, Any]], ScoreResult]
SYNC: dict[str, SyncScorer] = {"exact": exact, "contains": contains, "regex": regex_match, "json_field": json_field}


@dataclass
class CellScores:
    scores: dict[str, float | None]
    errors: dict[str, str]
    judge_prompt_tokens: int = 0
    judge_completion_tokens: int = 0
    judge_cost: float | None = None


async def score_all(output: str | None, expected: str | None, inputs: dict[str, Any],
                    scorers: list[dict[str, Any]], ctx: ScoreContext) -> CellScores:
    """Score one output with every scorer (a missing output scores None everywhere)."""
    keys = scorer_keys(scorers)
    out = CellScores(scores={}, errors={})
    costs: list[float | None] = []
    for key, cfg in zip(keys, scorers, strict=True):
        if output is None:
            out.scores[key] = None
            out.errors[key] = "the run has no output"
            continue
        kind = cfg["kind"]
        result: ScoreResult
        if kind in SYNC:
            result = SYNC[kind](output, expected, cfg)
        elif kind == "similarity":
            result = await similarity(output, expected, cfg, ctx)
        else:
            result = await judge(output, expected, cfg, ctx, inputs)
            out.judge_prompt_tokens += result.usage.get("prompt_tokens", 0)
            out.judge_completion_tokens += result.usage.get("completion_tokens", 0)
            if result.usage:
                costs.append(result.cost)
        out.scores[key] = result.score
        if result.error:
            out.errors[key] = result.error
    if costs:
        out.judge_cost = None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 8)
    return out


def needs_async(scorers: list[dict[str, Any]]) -> bool:
    return any(s["kind"] in ("similarity", "judge") for s in scorers)

