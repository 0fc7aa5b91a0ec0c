"""The ``embed`` node: texts to vectors."""
