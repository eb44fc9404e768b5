"""Houqin web console."""
