"""Talking to payment providers: starting a payment, capturing an approved one, sending a
refund. Every call carries an idempotency key and runs outside any transaction, so no row
stays locked during a network call (DESIGN rule 8); the outcome is then recorded in a short
transaction of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext

from duli.core.events import event_publish
from duli.payments.errors import PaymentNotWaiting
from duli.payments.models import Payment, PaymentTransaction
from duli.payments.providers.base import (
    OperationResult,
    PaymentProvider,
    ProviderError,
    StartRequest,
)
from duli.payments.selectors import payment_provider_configured
from duli.payments.services import payment_capture_remaining

log = logging.getLogger(__name__)
Device = Literal["desktop", "mobile", "wechat"]


def payment_start(
    *,
    payment_id: int,
    return_url: str,
    cancel_url: str,
    notify_url: str,
    locale: str,
    description: str,
    order_number: str,
    email: str = "",
    country: str = "",
    device: Device = "desktop",
    client_ip: str = "",
    metadata: dict[str, str] | None = None,
) -> Payment:
    """Ask the provider to start taking a pending payment; the payment then says what the
    shopper does next (`action`, `action_value`). Starting again on the same kind of device
    reuses the first answer, so a refresh or a second tab creates nothing new."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != Payment.Status.PENDING:
        raise PaymentNotWaiting()
    flavour = f"{payment.reference}:{device}"
    if payment.action and payment.started_for == flavour:
        return payment
    result = _provider(payment).start(
        StartRequest(
            payment_id=payment.reference or str(payment.pk),
            amount=payment.amount,
            return_url=return_url,
            cancel_url=cancel_url,
            notify_url=notify_url,
            locale=locale,
            description=description,
            order_number=order_number,
            email=email,
            country=country,
            device=device,
            client_ip=client_ip,
            metadata=metadata or {},
        ),
        idempotency_key=f"start:{flavour}",
    )
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
        provider_ref=result.provider_ref[:120],
        action=result.action,
        action_value=result.action_value,
        started_for=flavour,
    )
    payment.refresh_from_db()
    return payment


def payment_capture_send(*, payment_id: int) -> Payment:
    """Capture a payment the shopper approved at the provider (PayPal); then record it.
    A refusal marks the payment failed with the provider's reason."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != Payment.Status.PENDING or not payment.provider_ref:
        return payment
    result = _call(
        lambda p: p.capture(
            payment.provider_ref, payment.amount, idempotency_key=f"capture:{payment.reference}"
        ),
        payment,
    )
    if result.ok and not result.pending:
        payment_capture_remaining(
            payment=payment, reference=result.provider_ref or payment.provider_ref
        )
    elif not result.ok:
        payment_fail(payment_id=payment.pk, message=result.message)
    payment.refresh_from_db()
    return payment


def payment_fail(*, payment_id: int, message: str) -> bool:
    """Mark a pending payment failed (declined, cancelled at the provider). False when it
    was no longer pending: a late failure never undoes a capture."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != Payment.Status.PENDING:
            return False
        payment.status = Payment.Status.FAILED
        payment.failure_message = message[:300]
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        event_publish(
            "payment.failed", payment_id=payment.pk, order_id=payment.order_id, message=message
        )
    return True


def payment_refund_send(*, transaction_id: int) -> PaymentTransaction:
    """Send a refund reserved by `payment_refund` to the provider. Success confirms it,
    "pending" waits for the provider's webhook, a refusal gives the amount back to the
    refundable total and tells the order (event payment.refund_failed)."""
    row = PaymentTransaction.objects.select_related("payment").get(pk=transaction_id)
    if row.status != PaymentTransaction.Status.PENDING or row.provider_ref:
        return row
    payment = row.payment
    result = _call(
        lambda p: p.refund(payment.provider_ref, row.amount, idempotency_key=row.idempotency_key),
        payment,
    )
    with transaction.atomic():
        row = PaymentTransaction.objects.select_for_update().get(pk=transaction_id)
        if row.status != PaymentTransaction.Status.PENDING:
            return row
        if result.ok:
            row.provider_ref = result.provider_ref[:120]
            if not result.pending:
                row.status = PaymentTransaction.Status.SUCCEEDED
            row.save(update_fields=["provider_ref", "status"])
            return row
        refund_fail(row, result.message)
    return row


def refund_fail(row: PaymentTransaction, message: str) -> None:
    """A refund the provider refused: the money stays with the shop and can be refunded
    again. The caller holds `row`'s lock."""
    payment = Payment.objects.select_for_update().get(pk=row.payment_id)
    row.status = PaymentTransaction.Status.FAILED
    row.message = message[:300]
    row.save(update_fields=["status", "message"])
    payment.refunded_amount = payment.refunded.amount - row.amount.amount
    if payment.refunded_amount <= 0:
        payment.status = Payment.Status.CAPTURED
    elif payment.refunded < payment.captured:
        payment.status = Payment.Status.PARTIALLY_REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    event_publish(
        "payment.refund_failed",
        payment_id=payment.pk,
        order_id=payment.order_id,
        amount=str(row.amount.amount),
        message=message,
    )


def _provider(payment: Payment) -> PaymentProvider:
    provider = payment_provider_configured(code=payment.provider)
    if provider is None:
        raise ProviderError(gettext("This payment method is no longer set up in the shop."))
    return provider


def _call(call: Callable[[PaymentProvider], OperationResult], payment: Payment) -> OperationResult:
    """Run a provider call; a refusal or an unreachable provider becomes a result with a
    message, never an exception that would leave the caller half done."""
    try:
        result = call(_provider(payment))
    except ProviderError as exc:
        return OperationResult(ok=False, message=exc.message)
    except Exception:
        log.exception("payment provider %s failed", payment.provider)
        return OperationResult(
            ok=False,
            message=gettext("The payment provider could not be reached. Try again later."),
        )
    return result
