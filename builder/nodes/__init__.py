"""The node catalog: one module per node type, registered in :mod:`builder.nodes.catalog`.

A node of type ``family.name`` lives in ``builder/nodes/family/name.py``; one whose type is a bare
family name (``router``, ``embed``) in ``builder/nodes/family/family.py``. What the nodes of one
family share is in that family's ``_common.py``; what several families (or builder.graph and
experiments) share is in :mod:`builder.nodes.support`. The seam: :mod:`builder.nodes.base`
(ports, errors, :class:`~builder.nodes.base.Node`, the registry) and :mod:`builder.nodes.services`
(what a running node may ask of its host).
"""
