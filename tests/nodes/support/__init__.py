"""Tests of the helpers in builder/nodes/support (templates, regular expressions)."""
