"""The scorers are pure: every kind scores 0..1, says why when it cannot, and never raises."""
from __future__ import annotations

import asyncio

import pytest

from builder.providers.base import ChatResult, Usage
from builder.providers.fake import FakeEmbed
from experiments import scoring
from experiments.scoring import ScoreContext, ScorerError, check_scorers, parse_grade, score_all, scorer_keys


def run(coro):
    return asyncio.run(coro)


def giving(client):
    """A services capability (``await chat(provider, credential)``) that hands out ``client``."""
    async def capability(provider, credential):
        return client
    return capability


def score(scorers, output, expected, ctx=None, inputs=None):
    return run(score_all(output, expected, inputs or {"q": "x"}, check_scorers(scorers), ctx or ScoreContext()))


def test_exact_and_contains_ignore_case_and_spacing_unless_asked():
    got = score([{"kind": "exact"}, {"kind": "contains"}, {"kind": "exact", "case_sensitive": True}],
                "  Paris\nis the  capital ", "paris is the capital")
    assert got.scores == {"exact:1": 1.0, "contains": 1.0, "exact:2": 0.0}
    got = score([{"kind": "exact"}, {"kind": "contains"}], "It is Paris, of course", "paris")
    assert got.scores == {"exact": 0.0, "contains": 1.0}


def test_a_row_without_expected_output_scores_none_with_a_reason():
    got = score([{"kind": "exact"}, {"kind": "regex", "pattern": "^yes"}], "yes", None)
    assert got.scores == {"exact": None, "regex": 1.0}
    assert "expected" in got.errors["exact"]


def test_regex_is_bounded_in_time_and_length():
    with pytest.raises(ScorerError) as err:
        check_scorers([{"kind": "regex", "pattern": "a" * 3000}])
    assert err.value.field == "pattern"
    with pytest.raises(ScorerError):
        check_scorers([{"kind": "regex", "pattern": "(unclosed"}])
    got = score([{"kind": "regex", "pattern": r"(a|aa)+$"}], "a" * 5000 + "b", None)
    assert got.scores == {"regex": None} and "longer than" in got.errors["regex"]


def test_json_field_compares_the_field_with_the_expected_value():
    s = [{"kind": "json_field", "path": "answer.items.1"}]
    assert score(s, '{"answer": {"items": [1, 42]}}', "42").scores == {"json_field": 1.0}
    assert score(s, 'Sure! ```json\n{"answer": {"items": ["a", "b"]}}\n```', "b").scores == {"json_field": 1.0}
    assert score(s, '{"answer": {"items": [1, 2]}}', "42").scores == {"json_field": 0.0}
    missing = score(s, "not json at all", "42")
    assert missing.scores == {"json_field": 0.0} and "not JSON" in missing.errors["json_field"]


def test_similarity_is_the_cosine_of_the_two_embeddings():
    ctx = ScoreContext(embedder=giving(FakeEmbed()))
    s = [{"kind": "similarity", "provider": "fake", "model": "fake-embed"}]
    same = score(s, "the cat sat on the mat", "the cat sat on the mat", ctx).scores["similarity"]
    near = score(s, "the cat sat on the mat", "a cat sat on a mat", ctx).scores["similarity"]
    far = score(s, "the cat sat on the mat", "quarterly revenue grew by 4%", ctx).scores["similarity"]
    assert same == pytest.approx(1.0) and far < near < 1.0 and far >= 0.0


class Judge:
    """A chat client that answers with a fixed text and records the prompt it was sent."""

    def __init__(self, text: str):
        self.text, self.prompts = text, []

    async def complete(self, messages, params, on_token=None, **_):
        self.prompts.append(messages[-1]["content"])
        return ChatResult(text=self.text, usage=Usage(prompt_tokens=100, completion_tokens=5),
                          finish_reason="stop", model=params.model)


def test_the_judge_renders_its_rubric_and_counts_its_own_tokens_and_cost():
    judge = Judge("Score: 8/10 - mostly right")
    ctx = ScoreContext(chat=giving(judge), cost=lambda model, p, c: (p + c) / 1000)
    s = [{"kind": "judge", "provider": "fake", "model": "fake-large",
          "rubric": "Q={{ input }} A={{ output }} E={{ expected }}"}]
    got = score(s, "an answer", "the answer", ctx, inputs={"question": "why?"})
    assert got.scores == {"judge": 0.8}
    assert judge.prompts == ["Q=why? A=an answer E=the answer"]
    assert (got.judge_prompt_tokens, got.judge_completion_tokens, got.judge_cost) == (100, 5, 0.105)


def test_a_judge_without_a_grade_or_with_a_broken_rubric_scores_none():
    ctx = ScoreContext(chat=giving(Judge("I cannot say")), cost=lambda *a: None)
    got = score([{"kind": "judge"}], "x", "y", ctx)
    assert got.scores == {"judge": None} and "no grade" in got.errors["judge"]
    with pytest.raises(ScorerError) as err:
        check_scorers([{"kind": "judge", "rubric": "{% for %}"}])
    assert err.value.field == "rubric"
    with pytest.raises(ScorerError) as err:
        check_scorers([{"kind": "judge", "rubric": "{{ ''.__class__ }}", "extra": 1}])
    assert err.value.field == "extra"


@pytest.mark.parametrize("text, grade", [("0.7", 0.7), ("8/10", 0.8), ("4 / 5 stars", 0.8), ("85%", 0.85),
                                         ("7", 0.7), ("[gpt-4o] 1", 1.0), ("Grade: 0", 0.0), ("none", None)])
def test_grades_are_read_on_their_scale(text, grade):
    assert parse_grade(text) == (pytest.approx(grade) if grade is not None else None)


def test_scorer_keys_number_repeated_kinds_and_checks_name_the_scorer():
    assert scorer_keys([{"kind": "exact"}, {"kind": "regex"}, {"kind": "regex"}]) == ["exact", "regex:1", "regex:2"]
    with pytest.raises(ScorerError) as err:
        check_scorers([{"kind": "exact"}, {"kind": "nope"}])
    assert (err.value.index, err.value.field) == (1, "kind")
    with pytest.raises(ScorerError) as err:
        check_scorers([{"kind": "similarity", "provider": "anthropic"}], {"anthropic": (True, False)})
    assert err.value.field == "provider"


def test_a_missing_output_scores_none_everywhere():
    got = run(score_all(None, "x", {}, check_scorers([{"kind": "exact"}, {"kind": "contains"}]), ScoreContext()))
    assert got.scores == {"exact": None, "contains": None}


def test_scoring_never_suspends_for_the_synchronous_kinds():
    from experiments.service import _drive

    coro = score_all("a", "a", {}, check_scorers([{"kind": "exact"}]), ScoreContext())
    assert _drive(coro).scores == {"exact": 1.0}
    assert scoring.needs_async([{"kind": "exact"}]) is False
