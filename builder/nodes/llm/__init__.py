"""Chat model nodes: ``llm.chat``."""
