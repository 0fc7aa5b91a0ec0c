from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from builder import tokens

ROOT = Path(__file__).resolve().parents[2]


def test_it_counts_tokens_of_both_encodings():
    assert tokens.count_tokens("hello world", "cl100k_base") == 2
    assert tokens.count_tokens("hello world", "o200k_base") == 2
    assert tokens.count_tokens("") == 0


def test_it_treats_special_token_text_as_plain_text():
    assert tokens.count_tokens("<|endoftext|>") > 1


def test_it_round_trips_text_through_encode_and_decode():
    text = "Grüße, 世界! Tokens split words like antidisestablishmentarianism."
    assert tokens.decode(tokens.encode(text)) == text


def test_it_caches_encodings():
    assert tokens.get_encoding("cl100k_base") is tokens.get_encoding("cl100k_base")


def test_it_writes_the_file_tiktoken_expects_under_the_sha1_of_the_url():
    for name, (url, sha256) in tokens.BPE_FILES.items():
        path = tokens.prepare(name)
        assert path.name == hashlib.sha1(url.encode()).hexdigest()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def test_it_rejects_an_unknown_encoding():
    with pytest.raises(ValueError, match="unknown encoding"):
        tokens.prepare("p50k_base")


def test_it_works_in_a_fresh_process_without_network(tmp_path):
    """A new cache dir and a socket module that refuses to connect: tiktoken must not download."""
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network disabled in this test')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from builder import tokens\n"
        "print(tokens.count_tokens('offline works', 'cl100k_base'), tokens.count_tokens('x y', 'o200k_base'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    env.update(FOMO_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "2"]
    assert len(list((tmp_path / "tiktoken").iterdir())) == 2


def test_it_repairs_a_corrupted_cache_file(tmp_path, monkeypatch):
    path = tokens.cache_path("cl100k_base")
    original = path.read_bytes() if path.exists() else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"garbage")
        monkeypatch.setattr(tokens, "_prepared", set())
        tokens.prepare("cl100k_base")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.BPE_FILES["cl100k_base"][1]
    finally:
        if original is not None:
            path.write_bytes(original)


del socket  # imported only to document that the subprocess test patches it
