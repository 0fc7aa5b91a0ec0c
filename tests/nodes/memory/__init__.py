"""Tests of memory.load and memory.save."""
