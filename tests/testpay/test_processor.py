"""The simulated processor's API: charges, test card outcomes, refunds and signatures."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from duli.core.errors import InvalidInput
from duli.testpay import processor
from duli.testpay.models import Charge, Refund, WebhookEvent

from .conftest import SECRET, MakeCharge

pytestmark = pytest.mark.django_db

Status = Charge.Status


def events(charge: Charge) -> list[str]:
    return list(WebhookEvent.objects.filter(charge=charge).values_list("type", flat=True))


# --- charges ------------------------------------------------------------------------------


def test_a_new_charge_awaits_payment_under_a_public_id(make_charge: MakeCharge) -> None:
    charge = make_charge(reference="P-1001", amount=Decimal("25.00"), currency="usd")

    assert charge.pk.startswith("ch_") and len(charge.pk) > 12
    assert charge.status == Status.REQUIRES_PAYMENT
    assert (charge.reference, charge.amount, charge.currency) == ("P-1001", Decimal("25"), "USD")
    assert events(charge) == []


def test_the_same_idempotency_key_returns_the_same_charge(make_charge: MakeCharge) -> None:
    first = make_charge(idempotency_key="k-1", reference="P-1")
    second = make_charge(idempotency_key="k-1", reference="P-1")

    assert first.pk == second.pk
    assert Charge.objects.count() == 1


def test_an_idempotency_key_reused_for_another_charge_is_refused(make_charge: MakeCharge) -> None:
    make_charge(idempotency_key="k-1", reference="P-1")

    with pytest.raises(processor.IdempotencyConflict):
        make_charge(idempotency_key="k-1", reference="P-1", amount=Decimal("26.00"))


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": Decimal(0)},
        {"amount": Decimal("-1.00")},
        {"amount": Decimal("1.005")},
        {"amount": Decimal("100.5"), "currency": "JPY"},
        {"amount": "many"},
        {"currency": "dollars"},
        {"reference": " "},
        {"webhook_secret": ""},
        {"return_url": "javascript:alert(1)"},
        {"return_url": "//evil.example.com/"},
        {"notify_url": "/payments/webhooks/testpay/"},
    ],
)
def test_a_charge_with_bad_input_is_refused(make_charge: MakeCharge, overrides: dict) -> None:
    with pytest.raises(InvalidInput):
        make_charge(**overrides)


def test_an_unknown_charge_is_not_found(db: None) -> None:
    with pytest.raises(processor.ChargeNotFound):
        processor.charge_get("ch_nothing")


# --- test cards ---------------------------------------------------------------------------


def test_the_success_card_pays_and_queues_charge_succeeded(make_charge: MakeCharge) -> None:
    charge = make_charge()

    paid = processor.charge_pay(charge_id=charge.pk, card_number="4242 4242 4242 4242")

    assert paid.status == Status.SUCCEEDED
    assert (paid.card_brand, paid.card_last4) == ("visa", "4242")
    assert events(charge) == ["charge.succeeded"]


def test_the_decline_card_fails_and_queues_charge_failed(make_charge: MakeCharge) -> None:
    charge = make_charge()

    failed = processor.charge_pay(charge_id=charge.pk, card_number="4000000000000002")

    assert failed.status == Status.FAILED
    assert (failed.failure_code, failed.failure_message) == (
        "card_declined",
        "Your card was declined.",
    )
    assert events(charge) == ["charge.failed"]


def test_the_insufficient_funds_card_fails(make_charge: MakeCharge) -> None:
    charge = make_charge()

    failed = processor.charge_pay(charge_id=charge.pk, card_number="4000 0000 0000 9995")

    assert failed.status == Status.FAILED
    assert failed.failure_code == "insufficient_funds"
    assert events(charge) == ["charge.failed"]


def test_the_3ds_card_asks_for_authentication_first(make_charge: MakeCharge) -> None:
    charge = make_charge()

    pending = processor.charge_pay(charge_id=charge.pk, card_number="4000 0000 0000 3220")

    assert pending.status == Status.REQUIRES_ACTION
    assert events(charge) == []


def test_any_other_valid_card_succeeds(make_charge: MakeCharge) -> None:
    charge = make_charge()

    paid = processor.charge_pay(charge_id=charge.pk, card_number="5555 5555 5555 4444")

    assert paid.status == Status.SUCCEEDED
    assert (paid.card_brand, paid.card_last4) == ("mastercard", "4444")


def test_an_invalid_card_number_is_refused(make_charge: MakeCharge) -> None:
    charge = make_charge()

    with pytest.raises(InvalidInput):
        processor.charge_pay(charge_id=charge.pk, card_number="4242 4242 4242 4241")
    assert processor.charge_get(charge.pk).status == Status.REQUIRES_PAYMENT


def test_only_brand_and_last_four_digits_are_kept(make_charge: MakeCharge) -> None:
    charge = make_charge()
    processor.charge_pay(charge_id=charge.pk, card_number="4242424242424242")

    stored = " ".join(str(v) for v in Charge.objects.filter(pk=charge.pk).values().get().values())
    sent = " ".join(str(e.payload) for e in WebhookEvent.objects.all())

    assert "424242424242" not in stored + sent


def test_paying_twice_charges_once(make_charge: MakeCharge) -> None:
    charge = make_charge()
    processor.charge_pay(charge_id=charge.pk, card_number="4242424242424242")

    again = processor.charge_pay(charge_id=charge.pk, card_number="4000000000000002")

    assert again.status == Status.SUCCEEDED
    assert events(charge) == ["charge.succeeded"]


def test_completing_authentication_pays(make_charge: MakeCharge) -> None:
    charge = make_charge()
    processor.charge_pay(charge_id=charge.pk, card_number="4000000000003220")

    paid = processor.charge_authenticate(charge_id=charge.pk, approve=True)

    assert paid.status == Status.SUCCEEDED
    assert events(charge) == ["charge.succeeded"]


def test_failing_authentication_fails_the_charge(make_charge: MakeCharge) -> None:
    charge = make_charge()
    processor.charge_pay(charge_id=charge.pk, card_number="4000000000003220")

    failed = processor.charge_authenticate(charge_id=charge.pk, approve=False)

    assert failed.status == Status.FAILED
    assert failed.failure_code == "authentication_failed"
    assert events(charge) == ["charge.failed"]


def test_a_failed_charge_can_be_tried_again_with_another_card(make_charge: MakeCharge) -> None:
    charge = make_charge()
    processor.charge_pay(charge_id=charge.pk, card_number="4000000000000002")

    again = processor.charge_retry(charge_id=charge.pk)
    paid = processor.charge_pay(charge_id=charge.pk, card_number="4242424242424242")

    assert again.status == Status.REQUIRES_PAYMENT and again.failure_message == ""
    assert paid.status == Status.SUCCEEDED
    assert events(charge) == ["charge.failed", "charge.succeeded"]


def test_a_charge_without_a_notify_url_queues_no_webhook(make_charge: MakeCharge) -> None:
    charge = make_charge(notify_url="")

    processor.charge_pay(charge_id=charge.pk, card_number="4242424242424242")

    assert events(charge) == []


# --- refunds ------------------------------------------------------------------------------


def test_a_partial_refund_succeeds_at_once_and_queues_a_webhook(paid) -> None:  # type: ignore[no-untyped-def]
    charge = paid()

    refund = processor.refund_create(
        charge_id=charge.pk, amount=Decimal("5.00"), idempotency_key="r-1"
    )

    assert refund.pk.startswith("re_") and refund.status == Refund.Status.SUCCEEDED
    assert processor.charge_get(charge.pk).refunded_amount == Decimal("5.00")
    event = WebhookEvent.objects.get(type="refund.succeeded")
    assert event.payload["data"]["refund"] == refund.pk
    assert event.payload["data"]["amount"] == "5.00"


def test_the_same_refund_key_refunds_once(paid) -> None:  # type: ignore[no-untyped-def]
    charge = paid()

    first = processor.refund_create(charge_id=charge.pk, amount=Decimal(5), idempotency_key="r-1")
    second = processor.refund_create(charge_id=charge.pk, amount=Decimal(5), idempotency_key="r-1")

    assert first.pk == second.pk
    assert processor.charge_get(charge.pk).refunded_amount == Decimal(5)
    assert WebhookEvent.objects.filter(type="refund.succeeded").count() == 1


def test_a_refund_key_reused_for_another_amount_is_refused(paid) -> None:  # type: ignore[no-untyped-def]
    charge = paid()
    processor.refund_create(charge_id=charge.pk, amount=Decimal(5), idempotency_key="r-1")

    with pytest.raises(processor.IdempotencyConflict):
        processor.refund_create(charge_id=charge.pk, amount=Decimal(6), idempotency_key="r-1")


def test_refunds_never_exceed_what_is_left(paid) -> None:  # type: ignore[no-untyped-def]
    charge = paid()
    processor.refund_create(charge_id=charge.pk, amount=Decimal("20.00"), idempotency_key="r-1")

    with pytest.raises(processor.RefundRefused, match=r"\$5\.00"):
        processor.refund_create(charge_id=charge.pk, amount=Decimal("5.01"), idempotency_key="r-2")
    last = processor.refund_create(
        charge_id=charge.pk, amount=Decimal("5.00"), idempotency_key="r-3"
    )

    assert last.amount == Decimal("5.00")
    assert processor.charge_get(charge.pk).refunded_amount == Decimal("25.00")


def test_an_unpaid_charge_cannot_be_refunded(make_charge: MakeCharge) -> None:
    charge = make_charge()

    with pytest.raises(processor.RefundRefused):
        processor.refund_create(charge_id=charge.pk, amount=Decimal(5), idempotency_key="r-1")


def test_a_refund_in_another_currency_is_refused(paid) -> None:  # type: ignore[no-untyped-def]
    charge = paid()

    with pytest.raises(processor.RefundRefused):
        processor.refund_create(
            charge_id=charge.pk, amount=Decimal(5), currency="EUR", idempotency_key="r-1"
        )


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-5"), Decimal("0.001")])
def test_a_refund_of_a_bad_amount_is_refused(paid, amount: Decimal) -> None:  # type: ignore[no-untyped-def]
    charge = paid()

    with pytest.raises(InvalidInput):
        processor.refund_create(charge_id=charge.pk, amount=amount, idempotency_key="r-1")


def test_a_refund_of_an_unknown_charge_is_not_found(db: None) -> None:
    with pytest.raises(processor.ChargeNotFound):
        processor.refund_create(charge_id="ch_nothing", amount=Decimal(5), idempotency_key="r-1")


# --- signatures ---------------------------------------------------------------------------


BODY = b'{"id":"evt_1","type":"charge.succeeded"}'


def test_a_signature_verifies_with_the_same_secret() -> None:
    header = processor.webhook_sign(SECRET, BODY, int(time.time()))

    assert header.startswith("t=") and ",v1=" in header
    assert processor.webhook_verify(SECRET, header, BODY)


def test_a_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()

    assert processor.webhook_sign(SECRET, BODY, 1700000000) == f"t=1700000000,v1={expected}"


def test_a_signature_made_with_another_secret_fails() -> None:
    header = processor.webhook_sign("another", BODY, int(time.time()))

    assert not processor.webhook_verify(SECRET, header, BODY)


def test_a_changed_body_fails() -> None:
    header = processor.webhook_sign(SECRET, BODY, int(time.time()))

    assert not processor.webhook_verify(SECRET, header, BODY.replace(b"evt_1", b"evt_2"))


def test_a_signature_older_than_the_tolerance_fails() -> None:
    header = processor.webhook_sign(SECRET, BODY, int(time.time()) - 301)

    assert not processor.webhook_verify(SECRET, header, BODY, tolerance=300)


def test_one_matching_signature_among_several_verifies() -> None:
    now = int(time.time())
    good = processor.webhook_sign(SECRET, BODY, now).split(",")[1]
    old = processor.webhook_sign("old-secret", BODY, now).split(",")[1]

    assert processor.webhook_verify(SECRET, f"t={now},{old},{good}", BODY)


@pytest.mark.parametrize(
    "header",
    ["", "garbage", "t=,v1=", "v1=" + "0" * 64, "t=1700000000", "t=abc,v1=" + "0" * 64, "x" * 5000],
)
def test_a_malformed_signature_header_fails(header: str) -> None:
    assert not processor.webhook_verify(SECRET, header, BODY)
