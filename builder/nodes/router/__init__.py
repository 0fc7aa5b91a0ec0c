"""Branching nodes: ``router`` (by rules) and ``router.classify`` (by a chat model)."""
