"""Refusals of tax settings, each with a message a merchant can act on."""

from __future__ import annotations

from duli.core.errors import DomainError


class TaxClassCodeTaken(DomainError):
    code = "tax_class_code_taken"


class DefaultTaxClassRequired(DomainError):
    """The default class cannot be deleted or un-defaulted; another must become default."""

    code = "tax_class_default_required"


class UnknownCountry(DomainError):
    code = "unknown_country"


class UnknownRegion(DomainError):
    code = "unknown_region"


class InvalidTaxRate(DomainError):
    code = "invalid_tax_rate"


class RateExists(DomainError):
    code = "tax_rate_exists"
