"""OpenAI's moderation endpoint (``/v1/moderations``) through the official SDK, with the same
retry policy, concurrency limit and error mapping as the OpenAI chat client. Plain Python."""
from __future__ import annotations

from typing import Any

from builder.providers.base import ModerationVerdict
from builder.providers.calls import StreamProgress
from builder.providers.openai_provider import _Client

DEFAULT_MODEL = "omni-moderation-latest"


class OpenAIModerator(_Client):
    async def moderate(self, text: str, model: str = DEFAULT_MODEL, timeout_s: float = 30.0) -> ModerationVerdict:
        async def attempt(_: StreamProgress) -> Any:
            return await self.sdk().moderations.create(model=model, input=text, timeout=timeout_s)

        resp = await self.run(attempt, timeout_s, None)
        flagged = False
        categories: set[str] = set()
        scores: dict[str, float] = {}
        for result in resp.results:
            flagged = flagged or bool(result.flagged)
            for name, hit in result.categories.model_dump(by_alias=True).items():
                if hit:
                    categories.add(name)
            for name, score in result.category_scores.model_dump(by_alias=True).items():
                if score is not None:
                    scores[name] = max(float(score), scores.get(name, 0.0))
        return ModerationVerdict(flagged, sorted(categories), scores)


def make_moderator(*, api_key: str | None = None, base_url: str | None = None, **opts: Any) -> OpenAIModerator:
    return OpenAIModerator("openai", api_key, base_url, opts)
