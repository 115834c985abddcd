"""Writes of payments: records of what was paid and refunded, through the provider protocol.

Money movements are idempotent (DESIGN rule 8): each capture and refund row carries a
unique idempotency key, so a replayed request finds its row and changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils.translation import gettext

from duli.core.actors import Actor
from duli.core.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from duli.core.errors import InvalidInput, NotFound
from duli.core.events import event_publish
from duli.core.money import Money
from duli.payments.errors import AmountTooLarge, PaymentMethodUnavailable
from duli.payments.models import Payment, PaymentMethod, PaymentTransaction
from duli.payments.providers.base import Capability, PaymentProvider, Unsupported
from duli.payments.providers.registry import installed
from duli.payments.selectors import payment_provider


def payment_methods_ensure() -> None:
    """Offer the built-in manual methods when no method has been set up yet (idempotent)."""
    for position, code in enumerate(("bank_transfer", "cod")):
        PaymentMethod.objects.get_or_create(provider=code, defaults={"position": position})


def payment_method_update(
    *, provider: str, is_enabled: bool, position: int | None = None
) -> PaymentMethod:
    """Turn a provider on or off at checkout."""
    if provider not in installed():
        raise NotFound(gettext("No payment provider is installed under that name."))
    row, _ = PaymentMethod.objects.get_or_create(provider=provider)
    row.is_enabled = is_enabled
    if position is not None:
        row.position = position
    row.save()
    return row


def payment_method_configure(
    *, provider: str, values: Mapping[str, str], is_enabled: bool | None = None
) -> PaymentMethod:
    """Save a provider's settings as the merchant entered them; secrets are encrypted.

    A secret left blank keeps the stored one (the dashboard never shows secrets again, so
    an untouched field arrives empty). Turning a method on needs every required setting.
    """
    cls = installed().get(provider)
    if cls is None:
        raise NotFound(gettext("No payment provider is installed under that name."))
    with transaction.atomic():
        row, _ = PaymentMethod.objects.select_for_update().get_or_create(
            provider=provider, defaults={"is_enabled": False, "position": _next_position()}
        )
        config, stored = dict(row.config), _stored_or_reentered(row, cls, values)
        for f in cls.config_fields:
            if f.name not in values:
                continue
            value = str(values[f.name]).strip()
            if f.secret:
                if value:
                    stored[f.name] = value
                continue
            if f.choices and value and value not in {c for c, _label in f.choices}:
                raise InvalidInput(
                    gettext("Choose one of the offered values for “%(f)s”.") % {"f": f.label},
                    field=f.name,
                )
            config[f.name] = value
        if is_enabled is not None:
            row.is_enabled = is_enabled
        if row.is_enabled:
            for f in cls.config_fields:
                if f.required and not (stored.get(f.name) or config.get(f.name) or f.default):
                    raise InvalidInput(
                        gettext("Enter “%(f)s” to turn this payment method on.") % {"f": f.label},
                        field=f.name,
                    )
        row.config = config
        row.secrets = secret_encrypt(stored)
        row.save()
    return row


def _stored_or_reentered(
    row: PaymentMethod, cls: type[PaymentProvider], values: Mapping[str, str]
) -> dict[str, object]:
    """The stored secrets; when they can no longer be read (the secret key changed and the
    old one is gone), nothing, provided the merchant is entering every secret again."""
    try:
        return secret_decrypt(row.secrets)
    except SecretUnreadable:
        missing = [
            f for f in cls.config_fields if f.secret and not str(values.get(f.name, "")).strip()
        ]
        if missing:
            raise InvalidInput(
                gettext(
                    "The stored secrets of this method can no longer be read (the shop's secret "
                    "key changed). Enter every secret again, starting with “%(f)s”."
                )
                % {"f": missing[0].label},
                field=missing[0].name,
            ) from None
        return {}


def _next_position() -> int:
    last = PaymentMethod.objects.order_by("-position").first()
    return last.position + 1 if last else 0


def payment_create(*, order_id: int, provider: str, amount: Money) -> Payment:
    """A pending payment of `amount` for an order (runs inside order placement)."""
    if payment_provider(code=provider) is None:
        raise PaymentMethodUnavailable(provider=provider)
    return Payment.objects.create(
        order_id=order_id,
        provider=provider,
        currency=amount.currency,
        amount_amount=amount.amount,
        reference=payment_reference_new(),
    )


def payment_reference_new() -> str:
    """Our reference for a payment at its provider: "DL" and 18 random letters and digits,
    unique across shops that share a provider account."""
    return "DL" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(18))


_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def payment_capture_record(
    *, payment_id: int, amount: Money, actor: Actor, idempotency_key: str, reference: str = ""
) -> PaymentTransaction:
    """Record money received for a payment (a manual method's "mark as paid").

    Guarantees: the captured total never exceeds the payment's amount; the same key twice
    returns the first transaction and changes nothing.
    """
    with transaction.atomic():
        done = _replayed(idempotency_key)
        if done is not None:
            return done
        payment = _locked(payment_id)
        _check_amount(amount, payment)
        outstanding = payment.amount - payment.captured
        if amount > outstanding:
            raise AmountTooLarge(limit=outstanding, what=gettext("amount still to be paid"))
        payment.captured_amount = payment.captured.amount + amount.amount
        if payment.captured >= payment.amount:
            payment.status = Payment.Status.CAPTURED
        payment.save(update_fields=["captured_amount", "status", "updated_at"])
        return _transaction_record(
            payment, PaymentTransaction.Kind.CAPTURE, amount, actor, idempotency_key, reference
        )


def payment_capture_remaining(*, payment: Payment, reference: str) -> PaymentTransaction:
    """Record what a provider reports it took: the rest of the payment's amount. Keyed by
    the payment, so a webhook, a status query and a capture call that all report the same
    money record it once."""
    return payment_capture_record(
        payment_id=payment.pk,
        amount=payment.amount - payment.captured,
        actor=Actor.system(payment.provider),
        idempotency_key=f"capture:{payment.pk}",
        reference=reference,
    )


def payment_refund(
    *, payment_id: int, amount: Money, actor: Actor, idempotency_key: str, reference: str = ""
) -> PaymentTransaction:
    """Give back part or all of what a payment captured.

    Manual methods record the refund the merchant makes themselves. For gateways the
    amount is reserved now (a pending transaction) and sent to the provider once the
    surrounding transaction commits (`payment_refund_send`), so no row is locked during
    the call. Guarantees: refunds, pending ones included, never exceed what was captured;
    the same key twice returns the first transaction.
    """
    with transaction.atomic():
        done = _replayed(idempotency_key)
        if done is not None:
            return done
        payment = _locked(payment_id)
        _check_amount(amount, payment)
        cls = installed().get(payment.provider)
        if cls is None or Capability.REFUND not in cls.capabilities:
            raise Unsupported(gettext("This payment method cannot be refunded from here."))
        manual = Capability.MANUAL in cls.capabilities
        refundable = payment.captured - payment.refunded
        if amount > refundable:
            raise AmountTooLarge(limit=refundable, what=gettext("amount that can be refunded"))
        _refunded_add(payment, amount)
        if (
            not manual
            and Capability.PARTIAL_REFUND not in cls.capabilities
            and amount != payment.captured
        ):
            raise Unsupported(gettext("This payment method can only refund the whole amount."))
        payment.save(update_fields=["refunded_amount", "status", "updated_at"])
        row = _transaction_record(
            payment,
            PaymentTransaction.Kind.REFUND,
            amount,
            actor,
            idempotency_key,
            reference,
            status=(
                PaymentTransaction.Status.SUCCEEDED if manual else PaymentTransaction.Status.PENDING
            ),
        )
        if not manual:
            transaction.on_commit(partial(_refund_send, row.pk))
        return row


def payment_cancel(*, payment_id: int) -> None:
    """Stop waiting for a payment that was never made (its order was cancelled)."""
    Payment.objects.filter(pk=payment_id, status=Payment.Status.PENDING).update(
        status=Payment.Status.CANCELED
    )


def payment_refund_record_external(
    *, payment: Payment, amount: Money, provider_ref: str, idempotency_key: str
) -> PaymentTransaction:
    """Record a refund made in the provider's own dashboard, reported by a webhook. The
    caller holds the payment's lock and checked the amount is refundable."""
    _refunded_add(payment, amount)
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    row = _transaction_record(
        payment,
        PaymentTransaction.Kind.REFUND,
        amount,
        Actor.system(payment.provider),
        idempotency_key,
        gettext("Refunded at the provider"),
    )
    row.provider_ref = provider_ref[:120]
    row.save(update_fields=["provider_ref"])
    return row


def _refunded_add(payment: Payment, amount: Money) -> None:
    payment.refunded_amount = payment.refunded.amount + amount.amount
    payment.status = (
        Payment.Status.REFUNDED
        if payment.refunded >= payment.captured
        else Payment.Status.PARTIALLY_REFUNDED
    )


def _transaction_record(
    payment: Payment,
    kind: PaymentTransaction.Kind,
    amount: Money,
    actor: Actor,
    idempotency_key: str,
    reference: str,
    status: str = PaymentTransaction.Status.SUCCEEDED,
) -> PaymentTransaction:
    """The ledger row of a capture or refund, and its event after commit."""
    row = PaymentTransaction.objects.create(
        payment=payment,
        kind=kind,
        status=status,
        currency=amount.currency,
        amount_amount=amount.amount,
        reference=reference[:120],
        idempotency_key=idempotency_key,
        actor_id=actor.user_id,
    )
    name = "payment.captured" if kind == PaymentTransaction.Kind.CAPTURE else "payment.refunded"
    event_publish(name, payment_id=payment.pk, order_id=payment.order_id)
    return row


def _refund_send(transaction_id: int) -> None:
    from duli.payments.gateway import payment_refund_send

    payment_refund_send(transaction_id=transaction_id)


def _replayed(idempotency_key: str) -> PaymentTransaction | None:
    return PaymentTransaction.objects.filter(idempotency_key=idempotency_key).first()


def _locked(payment_id: int) -> Payment:
    payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(gettext("That payment does not exist."))
    return payment


def _check_amount(amount: Money, payment: Payment) -> None:
    if amount.currency != payment.currency:
        raise InvalidInput(gettext("The amount must be in %(c)s.") % {"c": payment.currency})
    if amount.amount <= Decimal(0) or amount.rounded() != amount:
        raise InvalidInput(gettext("Enter an amount above zero, to the cent."))
