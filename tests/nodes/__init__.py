"""Node tests, one package per node family (as builder/nodes)."""
