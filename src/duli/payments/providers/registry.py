"""Installed providers, by entry point (DESIGN rule 10). Duli's own register in its
pyproject.toml under the same group a third-party package uses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points

from duli.payments.providers.base import PaymentProvider

GROUP = "duli.payment_providers"
log = logging.getLogger(__name__)


@cache
def installed() -> Mapping[str, type[PaymentProvider]]:
    """Every provider class by code. A provider that fails to load is logged and left out,
    so one broken plug-in cannot take the checkout down."""
    found: dict[str, type[PaymentProvider]] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.name):
        try:
            cls = ep.load()
        except Exception:
            log.exception("payment provider %s could not be loaded", ep.name)
            continue
        found.setdefault(ep.name, cls)
    return found
