"""router.classify: matching a model's answer to a category, and the config checks."""
from __future__ import annotations

import pytest

from builder.graph import ports_for
from builder.nodes.catalog import registry
from builder.nodes.router.classify import choose, system_prompt

NAMES = ["billing", "shipping", "tech_support"]


@pytest.mark.parametrize(("answer", "expected"), [
    ("billing", "billing"),
    ("  Billing.\n", "billing"),
    ("`shipping`", "shipping"),
    ('"TECH_SUPPORT"', "tech_support"),
    ("Category: shipping", "shipping"),
    ("I would say billing, not shipping", "billing"),
    ("shipping-related, maybe billing", "shipping"),
    ("rebilling", None),  # a name inside another word is not a match
    ("tech support", None),
    ("none of these", None),
    ("", None),
])
def test_the_answer_is_matched_to_a_category(answer, expected):
    assert choose(answer, NAMES) == expected


def test_the_prompt_lists_the_categories_the_instructions_and_the_fallback():
    config = registry.get("router.classify").parse_config({
        "categories": [{"name": "billing", "description": "Invoices and refunds."}, {"name": "shipping"}],
        "default_branch": "unsure", "instructions": "Refund requests are billing."})
    prompt = system_prompt(config)
    assert "- billing: Invoices and refunds." in prompt and "- shipping\n" in prompt
    assert "Refund requests are billing." in prompt and prompt.endswith("If none fits, answer unsure.")


def test_ports_follow_the_categories():
    _, outputs, errors = ports_for("router.classify", None, {
        "categories": [{"name": "a"}, {"name": "b"}], "default_branch": "rest"})
    assert errors == []
    assert [p.name for p in outputs] == ["a", "b", "rest", "label"]


@pytest.mark.parametrize(("config", "field", "words"), [
    ({"categories": [{"name": "a"}, {"name": "A"}]}, "categories", "two categories are named 'A'"),
    ({"categories": [{"name": "a"}], "default_branch": "A"}, "default_branch", "same name as a category"),
    ({"default_branch": "label"}, "default_branch", "cannot be named 'label'"),
    ({"categories": [{"name": "label"}]}, "categories", "node's own output"),
    ({"categories": []}, "categories", "at least 1"),
    ({"categories": [{"name": "has space"}]}, "categories.0.name", "pattern"),
    ({"provider": "local"}, "provider", "unknown chat provider 'local'"),
])
def test_bad_configs_name_the_field(config_errors, config, field, words):
    errors = config_errors("router.classify", config)
    assert list(errors) == [field] and words in errors[field], errors


def test_the_value_is_sent_down_the_default_branch_when_no_category_is_named(run, ctx):
    out = run("router.classify", {"provider": "fake", "categories": [{"name": "zebra_xylophone"}]},
              {"value": {"order": 7}}, ctx=ctx)
    assert out == {"other": {"order": 7}, "label": "other"}
    assert ctx.usages and ctx.usages[0]["prompt_tokens"] > 0


def test_the_fake_provider_routes_offline_by_shared_words(run):
    config = {"provider": "fake", "categories": [
        {"name": "refund", "description": "The customer wants money back."},
        {"name": "delivery", "description": "Where a parcel is, or when it comes."}]}
    assert run("router.classify", config, {"value": "Please give my money back"}) == {
        "refund": "Please give my money back", "label": "refund"}
    assert run("router.classify", config, {"value": "When does my parcel arrive?"})["label"] == "delivery"
    assert run("router.classify", config, {"value": "Hello!"})["label"] == "other"
