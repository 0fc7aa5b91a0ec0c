"""Tests of document.load."""
