"""Tests of text.constant, text.split, text.join."""
