"""Tests of json.extract."""
