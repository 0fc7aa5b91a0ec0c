"""Tests of router and router.classify."""
