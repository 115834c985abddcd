"""Payments: the provider protocol, manual methods, payment records and refunds."""
