"""Vector store nodes: ``vector.upsert``, ``vector.query``, ``vector.delete``, on the run's workspace's collections."""
