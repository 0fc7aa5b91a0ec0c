"""Prompt nodes: ``prompt.template``."""
