"""``text.constant``."""
from __future__ import annotations


def test_a_text_constant_outputs_its_text(run):
    assert run("text.constant", {"text": "hello"}) == {"text": "hello"}
