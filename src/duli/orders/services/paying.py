"""Orders and the payments made for them: following what providers report, and letting a
shopper try again (or with another method) when a payment fails.

`order_payments_sync` is the one place an order learns from its payments. It compares the
order's paid and refunded totals with its payments' and moves the order to match, so it
is safe to run after every payment event and again from the housekeeping job.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from duli.core.actors import Actor
from duli.core.events import event_publish
from duli.core.money import Money
from duli.inventory.services import stock_commit
from duli.orders.errors import IllegalTransition
from duli.orders.models import Order, OrderEvent
from duli.orders.services._core import complete_if_done, event, locked, stock_reference, transition
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import Payment
from duli.payments.selectors import payment_methods_available
from duli.payments.services import payment_cancel, payment_create


def order_payments_sync(*, order_id: int) -> Order:
    """Bring the order's payment status in line with its payments (idempotent)."""
    with transaction.atomic():
        order = locked(order_id)
        payments = list(order.payments.all())
        captured = sum((p.captured.amount for p in payments), Decimal(0))
        refunded = sum((p.refunded.amount for p in payments), Decimal(0))
        actor = Actor.system(order.payment_method)
        if captured > order.paid.amount:
            _paid(order, Money(captured, order.currency), payments, actor)
        if refunded != order.refunded.amount and order.payment_status != PaymentStatus.UNPAID:
            _refunded(order, Money(refunded, order.currency), actor)
    return order


def order_payment_retry(*, order_id: int, provider: str, actor: Actor) -> Payment:
    """A new attempt to pay an unpaid order, with the same method or another one.

    The pending attempt (if any) is given up, the order keeps its reserved stock until its
    payment deadline, and the new attempt is returned for `payment_start`. Asking again
    for the method of a still-pending attempt returns that attempt.
    """
    with transaction.atomic():
        order = locked(order_id)
        if order.status != OrderStatus.PENDING or order.payment_status != PaymentStatus.UNPAID:
            raise IllegalTransition(gettext("This order is not waiting for a payment."))
        offered = {
            m.provider
            for m in payment_methods_available(
                currency=order.currency,
                country=str((order.billing_address or order.shipping_address).get("country", "")),
            )
        }
        if provider not in offered:
            raise IllegalTransition(
                gettext("That payment method is not available. Choose another one.")
            )
        pending = order.payments.filter(status=Payment.Status.PENDING).order_by("-pk").first()
        if pending is not None and pending.provider == provider:
            return pending
        for payment in order.payments.filter(status=Payment.Status.PENDING):
            payment_cancel(payment_id=payment.pk)
        payment = payment_create(
            order_id=order.pk, provider=provider, amount=order.total - order.paid
        )
        if order.payment_method != provider:
            event(
                order,
                OrderEvent.Kind.PAYMENT_METHOD,
                actor,
                {"from": order.payment_method, "to": provider},
            )
            order.payment_method = provider
            order.save(update_fields=["payment_method", "updated_at"])
        return payment


def order_payment_failed(*, order_id: int, message: str) -> None:
    """The timeline line for a failed attempt (the order stays payable until its deadline)."""
    with transaction.atomic():
        order = locked(order_id)
        event(
            order,
            OrderEvent.Kind.PAYMENT_FAILED,
            Actor.system(order.payment_method),
            {"message": message},
        )


def order_payment_flagged(*, order_id: int, reason: str) -> None:
    with transaction.atomic():
        order = locked(order_id)
        event(
            order,
            OrderEvent.Kind.PAYMENT_FLAGGED,
            Actor.system(order.payment_method),
            {"reason": reason},
            internal=True,
        )


def order_refund_failed(*, order_id: int, amount: str, message: str) -> None:
    """A refund the provider refused: the order's refunded total steps back, and the
    merchant sees why on the timeline."""
    with transaction.atomic():
        order = locked(order_id)
        event(
            order,
            OrderEvent.Kind.REFUND_FAILED,
            Actor.system(order.payment_method),
            {"amount": amount, "message": message},
            internal=True,
        )
    order_payments_sync(order_id=order_id)


def _paid(order: Order, captured: Money, payments: list[Payment], actor: Actor) -> None:
    arrived = captured - order.paid
    order.paid_amount = captured.amount
    order.save(update_fields=["paid_amount", "updated_at"])
    provider = next((p.provider for p in reversed(payments) if p.captured.amount), "")
    event(order, OrderEvent.Kind.PAID, actor, {"amount": str(arrived.amount), "provider": provider})
    if order.status == OrderStatus.CANCELED:
        reason = gettext(
            "%(amount)s arrived after this order was cancelled. Refund it from this page, "
            "or contact the shopper."
        ) % {"amount": arrived.format()}
        event(order, OrderEvent.Kind.PAYMENT_FLAGGED, actor, {"reason": reason}, internal=True)
        if order.payment_status == PaymentStatus.UNPAID:
            transition(order, "payment_status", PaymentStatus.PAID, actor)
        return
    if order.payment_status != PaymentStatus.UNPAID:
        # Paid twice (a retry with another method after the first went through late).
        reason = gettext(
            "This order was paid more than once: %(amount)s more arrived. Refund the extra "
            "payment from this page."
        ) % {"amount": arrived.format()}
        event(order, OrderEvent.Kind.PAYMENT_FLAGGED, actor, {"reason": reason}, internal=True)
        return
    if captured < order.total:
        return
    for other in order.payments.filter(status=Payment.Status.PENDING):
        payment_cancel(payment_id=other.pk)  # an attempt still open elsewhere is not needed
    order.expires_at = None
    order.save(update_fields=["expires_at", "updated_at"])
    order_paid_apply(order, actor)


def order_paid_apply(order: Order, actor: Actor) -> None:
    """The order is paid in full: a pending order is confirmed and its reserved stock sold.
    The caller holds the order's lock and has recorded the money."""
    transition(order, "payment_status", PaymentStatus.PAID, actor)
    if order.status == OrderStatus.PENDING:
        transition(order, "status", OrderStatus.CONFIRMED, actor)
        stock_commit(reference=stock_reference(order))
        event_publish("order.confirmed", order_id=order.pk)
    complete_if_done(order, actor)
    event_publish("order.paid", order_id=order.pk)


def _refunded(order: Order, refunded: Money, actor: Actor) -> None:
    order.refunded_amount = refunded.amount
    order.save(update_fields=["refunded_amount", "updated_at"])
    if not refunded.amount:
        target = PaymentStatus.PAID
    elif refunded >= order.paid:
        target = PaymentStatus.REFUNDED
    else:
        target = PaymentStatus.PARTIALLY_REFUNDED
    if target != order.payment_status:
        transition(order, "payment_status", target, actor)
