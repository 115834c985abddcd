"""Which payment methods a shopper is offered: enabled ones serving the order's currency
and the shopper's country, in the merchant's order."""

from __future__ import annotations

import pytest

from duli.payments.selectors import payment_methods_available
from duli.payments.services import payment_method_configure, payment_methods_ensure
from duli.testing.payment_factories import stripe_enabled

pytestmark = pytest.mark.django_db


def offered(**kwargs: str) -> list[str]:
    return [m.provider for m in payment_methods_available(**kwargs)]


def test_manual_methods_serve_every_currency_and_country():
    payment_methods_ensure()

    assert offered(currency="JPY", country="JP") == ["bank_transfer", "cod"]


def test_a_gateway_is_offered_only_in_its_currencies():
    payment_methods_ensure()
    stripe_enabled()

    assert "stripe" in offered(currency="USD", country="US")
    assert "stripe" not in offered(currency="XOF", country="SN")


def test_alipay_is_offered_only_for_yuan():
    payment_method_configure(
        provider="alipay",
        values={"app_id": "2021000000000000", "app_private_key": "k", "alipay_public_key": "k"},
        is_enabled=True,
    )

    assert offered(currency="CNY", country="CN") == ["alipay"]
    assert offered(currency="USD", country="US") == []


def test_a_method_turned_off_is_not_offered():
    stripe_enabled()
    payment_method_configure(provider="stripe", values={}, is_enabled=False)

    assert offered(currency="USD") == []
