"""Shipping: zones, methods and their rates, carriers and tracking links."""
