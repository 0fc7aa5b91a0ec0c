"""Tests of output and output.parse."""
