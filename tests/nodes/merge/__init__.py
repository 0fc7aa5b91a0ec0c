"""Tests of merge."""
