"""HTTP nodes: ``http.request``, guarded by builder.netguard."""
