"""Document nodes: ``document.load``."""
