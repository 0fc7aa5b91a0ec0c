"""The node catalog: one module per node type, registered in :mod:`builder.nodes.catalog`."""
