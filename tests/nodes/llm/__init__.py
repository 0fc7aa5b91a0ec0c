"""Tests of llm.chat."""
