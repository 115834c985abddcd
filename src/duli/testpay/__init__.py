"""Duli Test Pay: a built-in card processor simulator, so a shop can be tried end to end."""
