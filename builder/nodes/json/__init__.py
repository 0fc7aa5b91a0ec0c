"""JSON nodes: ``json.extract``."""
