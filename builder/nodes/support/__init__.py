"""Helpers the node modules share, and that builder.graph and experiments use too: config field
types, port value checks, provider fields, JSON paths, bounded regular expressions and templates.
No node type lives here."""
