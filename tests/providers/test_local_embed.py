"""Offline all-MiniLM-L6-v2 embeddings."""
from __future__ import annotations

import math

import pytest

from builder.providers import registry
from builder.providers.base import ProviderError
from builder.providers.local_embed import DIMENSIONS, MODEL_NAME
from tests.providers.conftest import dot


@pytest.mark.asyncio
async def test_vectors_have_384_dimensions_and_unit_norm(embedder):
    result = await embedder.embed(["hello world", "x"], MODEL_NAME)

    assert result.model == MODEL_NAME
    assert [len(v) for v in result.vectors] == [DIMENSIONS, DIMENSIONS]
    for v in result.vectors:
        assert math.sqrt(dot(v, v)) == pytest.approx(1.0, abs=1e-5)
    assert result.usage.prompt_tokens > 0


@pytest.mark.asyncio
async def test_similar_sentences_are_closer_than_unrelated_ones(embedder):
    cat, cat2, revenue = (await embedder.embed(
        ["the cat sat on the mat", "a cat was sitting on a mat", "quarterly revenue grew 5%"], MODEL_NAME)).vectors

    assert dot(cat, cat2) > dot(cat, revenue) + 0.3


@pytest.mark.asyncio
async def test_padding_to_the_longest_input_changes_no_vector(embedder):
    texts = ["short", "a somewhat longer sentence about nothing in particular",
             " ".join(["word"] * 120), "the cat sat on the mat"]

    together = (await embedder.embed(texts, MODEL_NAME)).vectors
    alone = [(await embedder.embed([t], MODEL_NAME)).vectors[0] for t in texts]

    for a, b in zip(together, alone, strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-5


@pytest.mark.asyncio
async def test_batches_larger_than_the_batch_size_keep_their_order():
    small_batches = registry.make_embedder("local", batch_size=3)
    texts = [f"sentence number {i}" for i in range(7)]

    split = (await small_batches.embed(texts, MODEL_NAME)).vectors
    whole = (await registry.make_embedder("local").embed(texts, MODEL_NAME)).vectors

    assert len(split) == 7
    for a, b in zip(split, whole, strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-5


@pytest.mark.asyncio
async def test_no_texts_means_no_vectors(embedder):
    assert (await embedder.embed([], MODEL_NAME)).vectors == []


@pytest.mark.asyncio
async def test_an_unknown_model_is_refused(embedder):
    with pytest.raises(ProviderError) as caught:
        await embedder.embed(["x"], "text-embedding-3-small")
    assert caught.value.kind == "bad_request"
