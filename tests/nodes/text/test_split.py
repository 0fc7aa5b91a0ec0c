from __future__ import annotations

import random

import pytest

from builder import tokens
from builder.nodes.base import NodeError

WORDS = ["budget", "roadmap", "hiring", "customer", "latency", "launch", "review", "quarterly", "decision",
         "risk", "owner", "metric", "deadline", "team", "design", "feedback"]


def transcript(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    paragraphs = []
    while words > 0:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            n = min(words, rng.randint(6, 18))
            words -= n
            sentences.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
            if words <= 0:
                break
        paragraphs.append("Speaker: " + " ".join(sentences))
    return "\n\n".join(paragraphs)


def test_it_splits_a_long_text_by_tokens_within_size_and_with_overlap(run):
    text = transcript(9000)
    assert 9500 < tokens.count_tokens(text) < 11000
    chunks = run("text.split", {"mode": "tokens", "chunk_size": 1000, "chunk_overlap": 100}, {"text": text})["chunks"]
    ids = [tokens.encode(c) for c in chunks]
    assert len(chunks) == -(-(len(tokens.encode(text)) - 100) // 900)
    assert all(len(i) <= 1000 for i in ids)
    for before, after in zip(ids, ids[1:], strict=False):
        assert before[-100:] == after[:100]
    assert tokens.decode(ids[0] + [t for i in ids[1:] for t in i[100:]]) == text


def test_it_splits_with_the_o200k_encoding(run):
    chunks = run("text.split", {"chunk_size": 50, "chunk_overlap": 0, "encoding": "o200k_base"},
                 {"text": transcript(300)})["chunks"]
    assert all(tokens.count_tokens(c, "o200k_base") <= 50 for c in chunks)


def test_a_short_text_is_one_chunk_and_an_empty_text_none(run):
    assert run("text.split", {"chunk_size": 100, "chunk_overlap": 10}, {"text": "short"}) == {"chunks": ["short"]}
    assert run("text.split", {}, {"text": ""}) == {"chunks": []}


def test_it_splits_characters_at_paragraphs_before_words(run):
    text = "First paragraph here.\n\nSecond paragraph is here.\n\nThird one."
    out = run("text.split", {"mode": "characters", "chunk_size": 30, "chunk_overlap": 0}, {"text": text})
    assert out["chunks"] == ["First paragraph here.", "Second paragraph is here.", "Third one."]


def test_character_chunks_stay_within_size(run):
    text = transcript(2000, seed=3)
    chunks = run("text.split", {"mode": "characters", "chunk_size": 400, "chunk_overlap": 80},
                 {"text": text})["chunks"]
    assert all(len(c) <= 400 for c in chunks)
    assert " ".join(chunks).split()[:50] == text.split()[:50]
    assert set(" ".join(chunks).split()) == set(text.split())


def test_character_chunks_overlap_by_whole_pieces(run):
    text = " ".join(f"w{i:03d}" for i in range(100))  # 5 characters per word with its space
    chunks = run("text.split", {"mode": "characters", "chunk_size": 50, "chunk_overlap": 20},
                 {"text": text})["chunks"]
    assert all(len(c) <= 50 for c in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        shared = before.split()[-4:]
        assert after.split()[:4] == shared
    assert chunks[-1].endswith("w099")


def test_character_mode_cuts_anywhere_when_no_separator_fits(run):
    out = run("text.split", {"mode": "characters", "chunk_size": 4, "chunk_overlap": 0, "separators": [" "]},
              {"text": "abcdefghij"})
    assert out["chunks"] == ["abcd", "efgh", "ij"]


@pytest.mark.parametrize("config, field, phrase", [
    ({"chunk_size": 100, "chunk_overlap": 100}, "chunk_overlap", "must be smaller than chunk_size (100)"),
    ({"chunk_size": 10, "chunk_overlap": 50}, "chunk_overlap", "smaller"),
    ({"chunk_size": 0}, "chunk_size", "greater than or equal to 1"),
    ({"chunk_size": 100_001}, "chunk_size", "less than or equal to 100000"),
    ({"chunk_overlap": -1}, "chunk_overlap", "greater than or equal to 0"),
    ({"mode": "words"}, "mode", "characters"),
    ({"encoding": "gpt2"}, "encoding", "cl100k_base"),
])
def test_it_rejects_bad_sizes_and_modes_with_a_clear_message(config_errors, config, field, phrase):
    errors = config_errors("text.split", config)
    assert phrase in errors[field]


def test_it_rejects_input_that_is_not_text(run):
    with pytest.raises(NodeError) as caught:
        run("text.split", {}, {"text": ["a", "b"]})
    assert caught.value.kind == "bad_input"
