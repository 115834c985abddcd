"""Refusals of shipping settings, each with a message a merchant can act on."""

from __future__ import annotations

from duli.core.errors import DomainError


class InvalidZone(DomainError):
    code = "invalid_zone"


class InvalidMethod(DomainError):
    code = "invalid_shipping_method"


class InvalidTiers(DomainError):
    code = "invalid_shipping_tiers"


class CarrierCodeTaken(DomainError):
    code = "carrier_code_taken"


class InvalidTrackingTemplate(DomainError):
    code = "invalid_tracking_template"
