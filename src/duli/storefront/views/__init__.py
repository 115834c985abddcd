"""Storefront views: thin, they call selectors and hand view models to templates."""
