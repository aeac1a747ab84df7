"""Reporters: pure functions from a :class:`~linkcheck.models.Report` to text."""
