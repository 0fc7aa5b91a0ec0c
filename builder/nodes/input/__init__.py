"""The ``input`` node: one named input of a pipeline's run."""
