"""Payment records: captures and refunds never exceed what they may, and replay safely."""

from __future__ import annotations

from decimal import Decimal

import pytest

from duli.core.actors import Actor
from duli.core.errors import InvalidInput
from duli.core.money import Money
from duli.payments.errors import AmountTooLarge
from duli.payments.models import Payment, PaymentMethod
from duli.payments.providers.base import PaymentProvider
from duli.payments.providers.registry import installed
from duli.payments.selectors import payment_methods_available
from duli.payments.services import (
    payment_capture_record,
    payment_method_update,
    payment_methods_ensure,
    payment_refund,
)
from tests.shop_fixtures import key

pytestmark = pytest.mark.django_db
STAFF = Actor.system("test")


def usd(v: str) -> Money:
    return Money(Decimal(v), "USD")


def test_built_in_providers_satisfy_the_protocol():
    for code, cls in installed().items():
        assert isinstance(cls(config={}), PaymentProvider), code


def test_bank_transfer_and_cash_on_delivery_are_offered_by_default(db):
    payment_methods_ensure()
    assert [m.provider for m in payment_methods_available()] == ["bank_transfer", "cod"]


def test_a_disabled_method_is_not_offered(db):
    payment_methods_ensure()
    payment_method_update(provider="cod", is_enabled=False)
    assert [m.provider for m in payment_methods_available()] == ["bank_transfer"]
    assert PaymentMethod.objects.get(provider="cod").is_enabled is False


def test_a_capture_cannot_exceed_what_is_owed(placed, variant):
    payment = placed((variant, 1)).payments.get()
    with pytest.raises(AmountTooLarge):
        payment_capture_record(
            payment_id=payment.pk, amount=usd("25.01"), actor=STAFF, idempotency_key=key()
        )
    payment_capture_record(
        payment_id=payment.pk, amount=usd("25.00"), actor=STAFF, idempotency_key=key()
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED


def test_amounts_in_another_currency_or_below_a_cent_are_refused(placed, variant):
    payment = placed((variant, 1)).payments.get()
    for amount in (Money(Decimal("1"), "EUR"), usd("0.001"), usd("0")):
        with pytest.raises(InvalidInput):
            payment_capture_record(
                payment_id=payment.pk, amount=amount, actor=STAFF, idempotency_key=key()
            )


def test_the_same_refund_key_twice_refunds_once(placed, variant):
    payment = placed((variant, 1)).payments.get()
    payment_capture_record(
        payment_id=payment.pk, amount=usd("25.00"), actor=STAFF, idempotency_key=key()
    )
    k = key()
    first = payment_refund(
        payment_id=payment.pk, amount=usd("10.00"), actor=STAFF, idempotency_key=k
    )
    again = payment_refund(
        payment_id=payment.pk, amount=usd("10.00"), actor=STAFF, idempotency_key=k
    )
    payment.refresh_from_db()
    assert first.pk == again.pk
    assert (payment.refunded, payment.status) == (usd("10.00"), Payment.Status.PARTIALLY_REFUNDED)
