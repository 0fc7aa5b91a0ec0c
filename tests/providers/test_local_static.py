"""minilm-static-256: static token vectors distilled from the bundled MiniLM."""
from __future__ import annotations

import math
import stat

import numpy as np
import pytest

from builder.providers import local_static
from builder.providers.base import ProviderError
from builder.providers.local_static import DIMENSIONS, MODEL_NAME
from tests.providers.conftest import dot


@pytest.mark.asyncio
async def test_vectors_have_256_dimensions_unit_norm_and_the_model_name(embedder):
    result = await embedder.embed(["hello world", "x", "Static vectors, weighted by rank."], MODEL_NAME)

    assert result.model == MODEL_NAME
    assert [len(v) for v in result.vectors] == [DIMENSIONS] * 3
    for v in result.vectors:
        assert math.sqrt(dot(v, v)) == pytest.approx(1.0, abs=1e-5)
    assert result.usage.prompt_tokens >= 10


@pytest.mark.asyncio
async def test_similar_texts_are_closer_than_unrelated_ones(embedder):
    bees, bees2, tax = (await embedder.embed(
        ["the queen lays eggs in the hive", "a queen bee laying eggs inside her colony",
         "quarterly revenue and tax filings"], MODEL_NAME)).vectors

    assert dot(bees, bees2) > dot(bees, tax) + 0.2


@pytest.mark.asyncio
async def test_a_batch_gives_each_text_the_vector_it_gets_alone(embedder):
    texts = ["short", "", "a somewhat longer sentence about nothing", " ".join(["word"] * 50), "¿qué?"]

    together = (await embedder.embed(texts, MODEL_NAME)).vectors
    alone = [(await embedder.embed([t], MODEL_NAME)).vectors[0] for t in texts]

    for a, b in zip(together, alone, strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-5


@pytest.mark.asyncio
async def test_long_texts_are_read_to_the_end_and_empty_ones_still_get_a_unit_vector(embedder):
    head = " ".join(["honey bees build hexagonal wax cells"] * 60)  # ~360 tokens: past MiniLM's 256
    same_head, other_tail, empty = (await embedder.embed(
        [head + " about pollination", head + " about submarines and torpedoes", ""], MODEL_NAME)).vectors

    assert max(abs(x - y) for x, y in zip(same_head, other_tail, strict=True)) > 1e-4
    assert all(math.isfinite(x) for x in empty) and dot(empty, empty) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.asyncio
async def test_an_unknown_local_model_names_both_models(embedder):
    with pytest.raises(ProviderError) as err:
        await embedder.embed(["x"], "minilm-static-999")
    assert "all-minilm-l6-v2" in err.value.message and MODEL_NAME in err.value.message
    assert err.value.retryable is False


def test_distill_weights_frequent_words_less_and_gives_specials_nothing():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(60, 12)).astype(np.float32)
    vectors[59] = vectors[20]  # the same token vector at a frequent and at a rare rank

    table = local_static.distill(vectors, dims=5, first_word=20, special=(0, 1))

    assert table.shape == (60, 5) and table.dtype == np.float32
    assert not table[0].any() and not table[1].any()
    assert np.linalg.norm(table[59]) == pytest.approx(np.linalg.norm(table[20]) * math.log(41) / math.log(2),
                                                      rel=1e-4)


def test_distill_fixes_the_sign_of_each_component():
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(80, 10)) * np.linspace(3, 1, 10)

    a = local_static.distill(vectors, dims=4, first_word=10, special=())
    b = local_static.distill(vectors[:, ::-1].copy(), dims=4, first_word=10, special=())

    assert np.allclose(np.abs(a), np.abs(b), atol=1e-4)  # same components, whatever the input layout
    assert np.allclose(a, b, atol=1e-4)  # and the same signs


def test_the_table_is_cached_readable_by_all_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    real = local_static.load_table()
    builds = []

    def build():
        builds.append(1)
        return real

    monkeypatch.setenv("FOMO_MODEL_CACHE", str(tmp_path / "models"))
    monkeypatch.setattr(local_static, "build_table", build)
    monkeypatch.setattr(local_static, "_table", None)
    local_static.load_table()
    path = local_static.cache_path()
    assert builds == [1] and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind

    monkeypatch.setattr(local_static, "_table", None)
    assert np.array_equal(local_static.load_table(), real) and builds == [1]  # read, not rebuilt

    path.write_bytes(b"not a numpy file")
    monkeypatch.setattr(local_static, "_table", None)
    local_static.load_table()
    assert builds == [1, 1]
    assert np.array_equal(np.load(path), real)


def test_a_very_long_text_is_summed_from_its_token_counts_to_the_same_vector(monkeypatch):
    text = " ".join(["queens", "drones", "workers", "honey", "wax"] * 2_000)  # ~10,000 tokens
    counted = local_static.embed_sync([text])[0][0]
    gathered = local_static.embed_sync([text[:100]])[0][0]  # short: the gather path
    monkeypatch.setattr(local_static, "LONG_TEXT_TOKENS", 10**9)
    reference = local_static.embed_sync([text])[0][0]
    assert max(abs(a - b) for a, b in zip(counted, reference, strict=True)) < 1e-4
    assert max(abs(a - b) for a, b in zip(counted, gathered, strict=True)) < 0.05  # the same five words
