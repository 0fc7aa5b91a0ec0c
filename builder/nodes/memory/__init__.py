"""Conversation memory nodes: ``memory.load``, ``memory.save``."""
