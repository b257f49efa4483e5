"""Lindung: social security for vulnerable workers paid from the regional budget."""

__version__ = "0.1.0"
