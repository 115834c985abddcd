"""Refusals of catalogue actions, each with a message a merchant can act on."""

from __future__ import annotations

from duli.core.errors import DomainError


class SlugTaken(DomainError):
    code = "slug_taken"


class SkuTaken(DomainError):
    code = "sku_taken"


class CategoryCycle(DomainError):
    code = "category_cycle"


class CategoryNotEmpty(DomainError):
    code = "category_not_empty"


class InvalidImage(DomainError):
    code = "invalid_image"
