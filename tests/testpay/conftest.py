"""Charges to pay, as a shop's payment provider would open them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from duli.testpay import processor
from duli.testpay.models import Charge

SECRET = "whsec_test_0123456789abcdef"
RETURN_URL = "https://shop.example.com/orders/t0k3n/pay/return/"
CANCEL_URL = "https://shop.example.com/orders/t0k3n/"

MakeCharge = Callable[..., Charge]
_keys = count(1)


@pytest.fixture
def make_charge(db: None) -> MakeCharge:
    def make(**overrides: Any) -> Charge:
        n = next(_keys)
        fields: dict[str, Any] = {
            "amount": Decimal("25.00"),
            "currency": "USD",
            "reference": f"P{n:04d}",
            "description": "Order 7KQ4-M9XA",
            "return_url": RETURN_URL,
            "cancel_url": CANCEL_URL,
            "notify_url": "https://shop.example.com/payments/webhooks/testpay/",
            "webhook_secret": SECRET,
            "idempotency_key": f"start-{n}",
        }
        fields.update(overrides)
        return processor.charge_create(**fields)

    return make


@pytest.fixture
def paid(make_charge: MakeCharge) -> Callable[..., Charge]:
    """A charge paid with the card that always succeeds."""

    def make(**overrides: Any) -> Charge:
        charge = make_charge(**overrides)
        return processor.charge_pay(charge_id=charge.pk, card_number="4242 4242 4242 4242")

    return make
