"""``filter``: pass, block or redact text by word lists and regular expressions, or by OpenAI's
moderation model.

Words match case-insensitively as whole words; patterns are regular expressions (case-insensitive
unless told otherwise). A blocked text is not an error: it leaves ``passed`` unproduced (so what
hangs off it is skipped) and produces ``blocked`` = ``{"reason", "matches"}`` for a branch that
handles it. With ``action: redact`` rule matches are replaced and the text passes. The moderation
model, when set, judges the (redacted) text and blocks what it flags.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from builder.nodes.base import Node, NodeContext, NodeError, Port
from builder.nodes.support import safe_regex, widgets
from builder.providers.base import ProviderError

MAX_MATCHES = 100


class ModerationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Literal["openai"] = "openai"
    model: str = Field("omni-moderation-latest", min_length=1, max_length=200)
    credential: str | None = Field(None, max_length=200, description="A stored OpenAI credential; else OPENAI_API_KEY.",
                                   json_schema_extra=widgets.credential("openai"))
    base_url: str | None = Field(None, max_length=2000)


class FilterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(default_factory=list, max_length=5000, description="Whole words, any case.")
    patterns: list[str] = Field(default_factory=list, max_length=200, description="Regular expressions.")
    case_sensitive: bool = Field(False, description="For patterns; words always ignore case.")
    action: Literal["block", "redact"] = "block"
    replacement: str = Field("[redacted]", max_length=200)
    moderation: ModerationConfig | None = Field(None, description="Also ask a moderation model (blocks flagged text).")

    @field_validator("words")
    @classmethod
    def _non_empty_words(cls, value: list[str]) -> list[str]:
        cleaned = [w.strip() for w in value if w.strip()]
        if any(len(w) > 200 for w in cleaned):
            raise ValueError("a word is longer than 200 characters")
        return cleaned

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for i, pattern in enumerate(value):
            if not pattern:
                raise ValueError(f"pattern {i + 1} is empty")
            problem = safe_regex.check(pattern)
            if problem:
                raise ValueError(f"pattern {i + 1} {problem}")
        return value


def rules(config: FilterConfig) -> list[safe_regex.Pattern]:
    compiled: list[safe_regex.Pattern] = []
    if config.words:
        alternatives = "|".join(safe_regex.escape(w) for w in sorted(set(config.words), key=len, reverse=True))
        compiled.append(safe_regex.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", safe_regex.IGNORECASE))
    flags = 0 if config.case_sensitive else safe_regex.IGNORECASE
    compiled.extend(safe_regex.compile(p, flags) for p in config.patterns)
    return compiled


def find_matches(text: str, compiled: list[safe_regex.Pattern]) -> list[str]:
    found: list[str] = []
    for pattern in compiled:
        for match in safe_regex.finditer(pattern, text):
            if match.group(0) and match.group(0) not in found:
                found.append(match.group(0))
                if len(found) >= MAX_MATCHES:
                    return found
    return found


def redact(text: str, compiled: list[safe_regex.Pattern], replacement: str) -> str:
    for pattern in compiled:
        text = safe_regex.sub(pattern, lambda m: replacement if m.group(0) else "", text)
    return text


async def moderate(ctx: NodeContext, config: ModerationConfig, text: str) -> list[str] | None:
    """The flagged categories, or None when the text passes."""
    try:
        moderator = await ctx.services.moderator(config.provider, config.credential, config.base_url)
        verdict = await moderator.moderate(text, config.model)
    except ValueError as exc:  # no key
        raise NodeError(f"moderation needs an OpenAI key: {exc}", kind="auth", field="moderation") from None
    except ProviderError as exc:
        raise NodeError(f"the moderation model failed: {exc.message}", kind=exc.kind,
                        retryable=exc.retryable) from exc
    if not verdict.flagged:
        return None
    return verdict.categories or ["flagged"]


class FilterNode(Node[FilterConfig]):
    type = "filter"
    title = "Filter"
    category = "Flow"
    description = "Pass, redact or block text by words, patterns or a moderation model; blocked text branches off."
    Config = FilterConfig
    inputs = (Port("text", "text"),)
    outputs = (Port("passed", "text", description="The text (redacted if so set) when it passes."),
               Port("blocked", "json", description="{reason, matches} when the text is blocked."))

    async def run(self, ctx: NodeContext, config: FilterConfig, inputs: dict[str, Any]) -> dict[str, Any]:
        text = inputs.get("text")
        if not isinstance(text, str):
            raise NodeError(f"text must be text, got {type(text).__name__}", kind="bad_input", field="text")
        compiled = rules(config)
        try:
            matches = find_matches(text, compiled)
            if matches and config.action == "block":
                return {"blocked": {"reason": "rules", "matches": matches}}
            if matches:
                text = redact(text, compiled, config.replacement)
        except safe_regex.RegexTimeout as exc:
            raise NodeError(str(exc), kind="config", field="patterns") from None
        if config.moderation is not None:
            categories = await moderate(ctx, config.moderation, text)
            if categories:
                return {"blocked": {"reason": "moderation", "matches": categories}}
        return {"passed": text}
