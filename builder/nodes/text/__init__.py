"""Text nodes: ``text.constant``, ``text.split``, ``text.join``."""
