"""Checkout: the cart (an open checkout), its lines, the pure pricing pipeline."""
