"""Embeddings through each SDK."""
from __future__ import annotations

import pytest

from tests.providers.conftest import EMBED_PATH, EMBED_PROVIDERS
from tests.stubs.llm_stub import EMBED_DIMS, fake_vector


@pytest.mark.asyncio
@pytest.mark.parametrize("name", EMBED_PROVIDERS)
async def test_it_embeds_texts_in_order(name, make_embedder, llm_stub):
    texts = ["alpha beta", "gamma", "delta epsilon zeta"]

    result = await make_embedder(name).embed(texts, "emb-model", input_type="search_document")

    assert len(result.vectors) == 3
    assert all(len(v) == EMBED_DIMS for v in result.vectors)
    assert result.usage.prompt_tokens == 6
    (req,) = llm_stub.requests
    assert req.path == EMBED_PATH[name]
    if name == "cohere":
        assert result.vectors[1] == pytest.approx(fake_vector("gamma|emb-model|search_document"))
    else:
        assert result.vectors[1] == pytest.approx(fake_vector("gamma|emb-model"), abs=1e-6)


@pytest.mark.asyncio
async def test_openai_embeddings_travel_as_base64(make_embedder, llm_stub):
    await make_embedder("openai").embed(["x"], "text-embedding-3-small")
    assert llm_stub.requests[0].body["encoding_format"] == "base64"


@pytest.mark.asyncio
async def test_cohere_sends_the_input_type_and_asks_for_floats(make_embedder, llm_stub):
    result = await make_embedder("cohere").embed(["q"], "embed-english-v3.0", input_type="search_query")

    body = llm_stub.requests[0].body
    assert body["input_type"] == "search_query"
    assert body["embedding_types"] == ["float"]
    assert result.vectors[0] == pytest.approx(fake_vector("q|embed-english-v3.0|search_query"))


@pytest.mark.asyncio
@pytest.mark.parametrize("name", EMBED_PROVIDERS)
async def test_large_inputs_are_split_into_batches(name, make_embedder, llm_stub):
    texts = [f"text {i}" for i in range(10)]

    result = await make_embedder(name, embed_batch=4).embed(texts, "emb-model")

    assert len(result.vectors) == 10
    assert len(llm_stub.requests) == 3
    assert result.vectors[9] != result.vectors[8]
