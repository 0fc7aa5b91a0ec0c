"""The ``output`` node (a named result of the run) and ``output.parse`` (a model's answer read as JSON)."""
