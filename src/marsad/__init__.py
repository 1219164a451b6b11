"""Marsad — an Arabic-first, offline media-monitoring dashboard."""

__version__ = "0.1.0"
