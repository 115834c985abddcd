"""Installed providers: Duli's own and third-party packages, by entry point (DESIGN rule 10)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points

from duli.payments.providers.base import PaymentProvider
from duli.payments.providers.manual import BankTransfer, CashOnDelivery

GROUP = "duli.payment_providers"
_BUILT_IN: dict[str, type[PaymentProvider]] = {
    BankTransfer.code: BankTransfer,
    CashOnDelivery.code: CashOnDelivery,
}


@cache
def installed() -> Mapping[str, type[PaymentProvider]]:
    """Every provider class by code: the built-ins, then entry points of the group."""
    found: dict[str, type[PaymentProvider]] = dict(_BUILT_IN)
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep.load())
    return found
