"""Duli — an open-source, self-hosted independent storefront system."""

__version__ = "0.1.0"
