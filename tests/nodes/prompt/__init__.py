"""Tests of prompt.template."""
