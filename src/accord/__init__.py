"""Accord: bilateral science & technology partnerships, end to end."""

__version__ = "0.1.0"
