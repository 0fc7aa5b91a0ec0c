"""``filter``: whole-word lists and patterns block or redact; a blocked text takes the blocked branch."""
from __future__ import annotations

import pytest

from builder.nodes.base import NodeError


def test_clean_text_passes_unchanged(run):
    assert run("filter", {"words": ["darn"]}, {"text": "All good here."}) == {"passed": "All good here."}


def test_words_match_whole_words_in_any_case(run):
    out = run("filter", {"words": ["darn", "heck"]}, {"text": "Well DARN it, darning socks is fine."})
    assert out == {"blocked": {"reason": "rules", "matches": ["DARN"]}}
    assert run("filter", {"words": ["darn"]}, {"text": "darning and undarn"}) == {"passed": "darning and undarn"}


def test_a_blocked_text_leaves_passed_unproduced(run):
    out = run("filter", {"patterns": [r"\b\d{3}-\d{2}-\d{4}\b"]}, {"text": "SSN 123-45-6789"})
    assert "passed" not in out and out["blocked"]["matches"] == ["123-45-6789"]


def test_redact_replaces_matches_and_passes(run):
    out = run("filter", {"words": ["secret"], "patterns": [r"[\w.]+@[\w.]+"], "action": "redact",
                         "replacement": "***"}, {"text": "Mail bob@example.com the SECRET plan"})
    assert out == {"passed": "Mail *** the *** plan"}


def test_patterns_ignore_case_unless_told(run):
    assert "blocked" in run("filter", {"patterns": ["forbidden"]}, {"text": "FORBIDDEN"})
    assert "passed" in run("filter", {"patterns": ["forbidden"], "case_sensitive": True}, {"text": "FORBIDDEN"})


def test_words_with_symbols_are_literal(run):
    assert "blocked" in run("filter", {"words": ["c++", "a.b"]}, {"text": "I like C++ a lot"})
    assert "passed" in run("filter", {"words": ["a.b"]}, {"text": "axb"})


def test_non_text_input_is_a_bad_input(run):
    with pytest.raises(NodeError) as caught:
        run("filter", {}, {"text": {"a": 1}})
    assert caught.value.kind == "bad_input"


def test_moderation_without_a_host_that_lends_it_fails_clearly(run):
    with pytest.raises(NodeError) as caught:
        run("filter", {"moderation": {}}, {"text": "hello"})
    assert caught.value.field == "moderation"


@pytest.mark.parametrize("config, field", [
    ({"patterns": ["("]}, "patterns"), ({"patterns": [""]}, "patterns"), ({"action": "shout"}, "action"),
    ({"moderation": {"provider": "cohere"}}, "moderation.provider"), ({"colour": 1}, "colour"),
])
def test_bad_config_is_reported_by_field(config_errors, config, field):
    errors = config_errors("filter", config)
    assert any(f and f.startswith(field) for f in errors), errors


def test_a_backtracking_pattern_fails_the_step_in_bounded_time(run):
    import time

    started = time.monotonic()
    with pytest.raises(NodeError) as caught:
        run("filter", {"patterns": ["(a|aa)+$"]}, {"text": "a" * 5000 + "!"})
    assert time.monotonic() - started < 5
    assert "took longer" in caught.value.message and caught.value.field == "patterns"


def test_an_overlong_pattern_is_refused_at_validation(run):
    with pytest.raises(Exception) as caught:
        run("filter", {"patterns": ["a" * 3000]}, {"text": "x"})
    assert "longer than 2000 characters" in str(caught.value)
