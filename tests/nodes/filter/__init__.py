"""Tests of filter."""
